package io.ringmaster.coordinator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Ringmaster coordinator: owns the gRPC server that offers the public {@code JobService}, the
 * worker control plane ({@code WorkerControl}), health and reflection. Start with {@link #start()},
 * stop with {@link #close()}.
 *
 * <p>Embedded use (what {@code ringmaster run} does):
 * <pre>
 * try (CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(dir).build().start()) {
 *   // talk to localhost:c.port() with JobServiceGrpc
 * }
 * </pre>
 */
public final class CoordinatorServer implements AutoCloseable {
  /** How workers are obtained for a job. */
  public enum SchedulerKind {
    /** Launch worker JVMs on this machine, one process per rank (the default). */
    LOCAL,
    /** Wait for workers started by hand ({@code ringmaster worker --coordinator ...}) to attach. */
    EXTERNAL
  }

  private final Builder config;

  private CoordinatorServer(Builder config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the gRPC server; returns this. */
  public CoordinatorServer start() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The bound port (useful with port 0). */
  public int port() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Stops accepting requests, stops the workers of running jobs, and shuts the server down. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Blocks until the server has shut down (after {@link #close()} or a shutdown signal). */
  public void awaitTermination() throws InterruptedException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public static final class Builder {
    String host = "127.0.0.1";
    int port = 7070;
    Path dataDir = Path.of("runs");
    SchedulerKind scheduler = SchedulerKind.LOCAL;

    /** Address to bind; default 127.0.0.1 (use 0.0.0.0 to accept remote workers). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** Port to bind; 0 picks a free one. Default 7070. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Where job directories (logs, models, checkpoints) and the job store live. Default ./runs. */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir);
      return this;
    }

    public Builder scheduler(SchedulerKind kind) {
      this.scheduler = Objects.requireNonNull(kind);
      return this;
    }

    public CoordinatorServer build() {
      return new CoordinatorServer(this);
    }
  }
}
