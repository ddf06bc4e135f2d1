package io.ringmaster.coordinator.workers;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Hello;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attached worker: what it said in its Hello and the stream to send it commands. Thread-safe:
 * sends are serialised because gRPC stream observers are not.
 */
public final class WorkerSession {
  private final Hello hello;
  private final StreamObserver<CoordinatorMessage> outbound;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private volatile long lastHeardNanos;

  WorkerSession(Hello hello, StreamObserver<CoordinatorMessage> outbound, long nowNanos) {
    this.hello = hello;
    this.outbound = outbound;
    this.lastHeardNanos = nowNanos;
  }

  public String workerId() {
    return hello.getWorkerId();
  }

  public String host() {
    return hello.getHost();
  }

  public int port() {
    return hello.getPort();
  }

  public long pid() {
    return hello.getPid();
  }

  /** The job a scheduler launched this worker for; empty for a free (external) worker. */
  public String requestedJobId() {
    return hello.getJobId();
  }

  /** The scheduler's index of this worker, or -1 for a worker started by hand. */
  public int slot() {
    return hello.hasSlot() ? hello.getSlot() : -1;
  }

  /** The worker's log file, when a scheduler redirected its output; empty otherwise. */
  public String logPath() {
    return hello.getLogPath();
  }

  public boolean isOpen() {
    return open.get();
  }

  /** Nanos (of the coordinator's clock) when anything was last received from this worker. */
  public long lastHeardNanos() {
    return lastHeardNanos;
  }

  void heard(long nowNanos) {
    lastHeardNanos = nowNanos;
  }

  /** Sends a command; silently dropped if the stream is already closed. */
  public void send(CoordinatorMessage message) {
    synchronized (outbound) {
      if (!open.get()) {
        return;
      }
      try {
        outbound.onNext(message);
      } catch (RuntimeException e) {
        open.set(false);
      }
    }
  }

  /** Ends the stream from the coordinator's side (the worker sees it as the coordinator leaving). */
  public void close(Status status) {
    synchronized (outbound) {
      if (open.compareAndSet(true, false)) {
        try {
          if (status.isOk()) {
            outbound.onCompleted();
          } else {
            outbound.onError(status.asRuntimeException());
          }
        } catch (RuntimeException ignored) {
          // the call is already gone
        }
      }
    }
  }

  void markClosed() {
    open.set(false);
  }

  @Override
  public String toString() {
    return "worker " + workerId() + " (" + host() + ":" + port() + ", pid " + pid() + ")";
  }
}
