package io.ringmaster.coordinator.workers;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Hello;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One attached worker: what it said in its Hello and the stream to send it commands. A session lives
 * from the worker's Hello until its stream ends, from either side: the worker closes it or its
 * connection breaks, or the coordinator {@linkplain #close closes} it (eviction, a silent free worker,
 * a second stream with the same worker id). A closed session is never reused: a worker that is still
 * alive attaches again and gets a new one. Sessions compare by identity.
 *
 * <p>Thread-safe: sends are serialised because gRPC stream observers are not.
 */
public final class WorkerSession {
  private final Hello hello;
  private final StreamObserver<CoordinatorMessage> outbound;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final BiConsumer<WorkerSession, String> closedByCoordinator;
  private volatile long lastHeardNanos;

  /**
   * @param closedByCoordinator told once when {@link #close} ends the stream, with the reason, so that
   *     the control service forgets the session and reports it detached
   */
  WorkerSession(Hello hello, StreamObserver<CoordinatorMessage> outbound, long nowNanos,
      BiConsumer<WorkerSession, String> closedByCoordinator) {
    this.hello = hello;
    this.outbound = outbound;
    this.lastHeardNanos = nowNanos;
    this.closedByCoordinator = closedByCoordinator;
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

  /** The ND4J backend and GPUs the worker reported (empty for a worker that said nothing). */
  public io.ringmaster.proto.v1.ComputeDevices devices() {
    return hello.getDevices();
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

  /**
   * Ends the stream from the coordinator's side with {@code status} (its description says why; the
   * worker sees the stream fail with it and, if it is a free worker, attaches again), and forgets the
   * session: it is reported detached at once, whether or not the worker ever hears of it (a worker whose
   * link is cut does not).
   */
  public void close(Status status) {
    boolean closedNow = false;
    synchronized (outbound) {
      if (open.compareAndSet(true, false)) {
        closedNow = true;
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
    if (closedNow) {
      closedByCoordinator.accept(this, "closed by the coordinator: " + status.getCode()
          + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"));
    }
  }

  void markClosed() {
    open.set(false);
  }

  /** True the first time only: the session's end is reported exactly once, whichever side ended it. */
  boolean markEnded() {
    return ended.compareAndSet(false, true);
  }

  /** The session's end was reported: anything still arriving on its stream is ignored. */
  boolean hasEnded() {
    return ended.get();
  }

  @Override
  public String toString() {
    return "worker " + workerId() + " (" + host() + ":" + port() + ", pid " + pid() + ")";
  }
}
