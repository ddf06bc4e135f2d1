package io.ringmaster.cli.support;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import io.ringmaster.coordinator.config.CoordinatorConfig;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** Starts a coordinator in this JVM. The real one is {@link CoordinatorServer}; tests use a stand-in. */
@FunctionalInterface
public interface CoordinatorLauncher {

  /**
   * Where and how a coordinator should run.
   *
   * @param durable keep jobs in {@code <dataDir>/ringmaster.db} so that a restarted coordinator resumes
   *     them ({@code ringmaster coordinator}); false keeps them in memory ({@code ringmaster run}: the job
   *     lives and dies with the command, and several runs may share a data directory)
   * @param config limits, timings, retention and gRPC settings ({@code --config}, flags)
   * @param customize last changes to the coordinator's builder (the Kubernetes scheduler, the address
   *     workers dial); {@link #AS_IS} for none
   */
  record Settings(String host, int port, Path dataDir, SchedulerKind scheduler, boolean durable,
      CoordinatorConfig config, java.util.function.Consumer<CoordinatorServer.Builder> customize) {
    /** No further changes to the coordinator's builder. */
    public static final java.util.function.Consumer<CoordinatorServer.Builder> AS_IS = b -> { };

    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(scheduler, "scheduler");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(customize, "customize");
    }

    /** With the default configuration (limits, timings, retention, gRPC) and no further changes. */
    public Settings(String host, int port, Path dataDir, SchedulerKind scheduler, boolean durable) {
      this(host, port, dataDir, scheduler, durable, CoordinatorConfig.DEFAULTS, AS_IS);
    }
  }

  /** A coordinator that is serving. {@link #close()} may be called more than once, from any thread. */
  interface Running extends AutoCloseable {
    /** The bound port. */
    int port();

    /** Blocks until the coordinator has shut down. */
    void awaitTermination() throws InterruptedException;

    @Override
    void close();
  }

  /** Starts a coordinator; it is serving when this returns. */
  Running start(Settings settings) throws IOException;

  /** {@link CoordinatorServer} in this JVM. */
  static CoordinatorLauncher inProcess() {
    return settings -> {
      CoordinatorServer.Builder builder = CoordinatorServer.builder()
          .config(settings.config()) // limits, timings, retention, gRPC; the fields below win
          .host(settings.host())
          .port(settings.port())
          .dataDir(settings.dataDir())
          .scheduler(settings.scheduler());
      if (!settings.durable()) {
        builder.store(new InMemoryJobStore());
        // the job lives and dies with the command: its workers' secrets need not survive it
        builder.workerCredentials(io.ringmaster.job.security.JobCredentials.random());
      }
      settings.customize().accept(builder); // e.g. the Kubernetes scheduler, the address workers dial
      CoordinatorServer server = builder.build().start();
      AtomicBoolean closed = new AtomicBoolean();
      return new Running() {
        @Override
        public int port() {
          return server.port();
        }

        @Override
        public void awaitTermination() throws InterruptedException {
          server.awaitTermination();
        }

        @Override
        public void close() {
          if (closed.compareAndSet(false, true)) {
            server.close();
          }
        }
      };
    };
  }
}
