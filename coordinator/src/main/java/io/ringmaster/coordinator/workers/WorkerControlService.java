package io.ringmaster.coordinator.workers;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.security.AssignCredentialsStamper;
import io.ringmaster.coordinator.security.WorkerAuthenticator;
import io.ringmaster.coordinator.security.WorkerCallCredentials;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Welcome;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerMessage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of the {@code WorkerControl.Attach} stream: turns each worker's stream into a
 * {@link WorkerSession} and forwards what it says to {@link WorkerEvents}: {@code attached} on Hello,
 * {@code heartbeat} for each heartbeat, {@code message} for anything else, and {@code detached} exactly
 * once when the session ends, whichever side ends it: the worker's stream completes or fails, the
 * coordinator closes the session ({@link WorkerSession#close}), or a new stream attaches with the same
 * worker id (the old session is closed with ALREADY_EXISTS and reported detached before the new one is
 * reported attached). A session that ended is forgotten; messages still arriving on it are ignored.
 *
 * <p>A Hello is first put to the {@link WorkerAuthenticator} with what the call presented ({@link
 * WorkerCallCredentials}, left in the call's context by the server's interceptor): a refused worker's stream
 * ends with UNAUTHENTICATED or PERMISSION_DENIED, no session is made and no job hears of it. Every Assign
 * sent on an admitted stream carries its ring's token and its job's secret ({@link AssignCredentialsStamper}).
 */
public final class WorkerControlService extends WorkerControlGrpc.WorkerControlImplBase {
  private static final Logger log = LoggerFactory.getLogger(WorkerControlService.class);

  private final WorkerEvents events;
  private final int heartbeatIntervalMs;
  private final LongSupplier nanoClock;
  private final WorkerAuthenticator authenticator;
  private final Map<String, WorkerSession> sessions = new ConcurrentHashMap<>();

  public WorkerControlService(WorkerEvents events, int heartbeatIntervalMs, LongSupplier nanoClock,
      WorkerAuthenticator authenticator) {
    this.events = events;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.nanoClock = nanoClock;
    this.authenticator = java.util.Objects.requireNonNull(authenticator, "authenticator");
  }

  /** Sessions attached now. */
  public Collection<WorkerSession> sessions() {
    return List.copyOf(sessions.values());
  }

  @Override
  public StreamObserver<WorkerMessage> attach(StreamObserver<CoordinatorMessage> stream) {
    WorkerCallCredentials presented = WorkerCallCredentials.current();
    StreamObserver<CoordinatorMessage> out = new AssignCredentialsStamper(stream, authenticator.credentials());
    return new StreamObserver<>() {
      private WorkerSession session;
      private boolean refusedStream;

      @Override
      public void onNext(WorkerMessage m) {
        if (refusedStream) {
          return;
        }
        if (session == null) {
          if (!m.hasHello() || m.getHello().getWorkerId().isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT
                .withDescription("the first message on WorkerControl.Attach must be Hello with a worker_id")
                .asRuntimeException());
            return;
          }
          Status refused = authenticator.refusal(m.getHello(), presented);
          if (refused != null) {
            log.warn("refused a worker from {}: {}", m.getHello().getHost(), refused.getDescription());
            refusedStream = true;
            out.onError(refused.asRuntimeException());
            return;
          }
          session = new WorkerSession(m.getHello(), out, nanoClock.getAsLong(), WorkerControlService.this::closed);
          WorkerSession previous = sessions.put(session.workerId(), session);
          if (previous != null) {
            previous.close(Status.ALREADY_EXISTS.withDescription("another stream attached with this worker id"));
          }
          session.send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
              .setWorkerId(session.workerId()).setHeartbeatIntervalMs(heartbeatIntervalMs)).build());
          log.info("{} attached{}", session,
              session.requestedJobId().isEmpty() ? "" : " for job " + session.requestedJobId());
          events.attached(session);
          return;
        }
        if (session.hasEnded()) {
          return; // closed by the coordinator: the worker must attach again
        }
        session.heard(nanoClock.getAsLong());
        if (m.hasHeartbeat()) {
          events.heartbeat(session, m.getHeartbeat());
        } else {
          events.message(session, m);
        }
      }

      @Override
      public void onError(Throwable t) {
        end("stream failed: " + Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end("worker closed its stream");
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // already closed
        }
      }

      private void end(String why) {
        if (session == null) {
          return;
        }
        session.markClosed();
        closed(session, why);
      }
    };
  }

  /** Forgets a session that ended and reports it detached, once. */
  private void closed(WorkerSession session, String why) {
    sessions.remove(session.workerId(), session);
    if (session.markEnded()) {
      log.info("{} detached: {}", session, why);
      events.detached(session, why);
    }
  }
}
