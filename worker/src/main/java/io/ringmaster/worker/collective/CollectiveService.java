package io.ringmaster.worker.collective;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CollectiveGrpc;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingHello;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of the ring in a worker process: the {@code ringmaster.v1.Collective} service. The
 * worker runtime adds ONE instance to its gRPC server (tuned with {@link CollectiveTransport}) before
 * starting it, and passes it to {@link RingAllReduce#join} for every ring it joins.
 *
 * <p>A ring is named by (job, generation): a long-lived worker serves one job after another, and every
 * job numbers its generations from its own start (1, 2, ...), so generation numbers alone say nothing
 * across jobs. Each incoming call is one ring edge: its first frame (the hello) names the job, the
 * generation and the sending rank. A call for a ring this process has joined is attached to that ring's
 * inbox. A call is rejected with ABORTED when it is stale: a generation of the job older than the
 * newest this process joined, a ring it joined and already left, or a generation (not newer than the
 * last it joined) of a job it has {@linkplain #leave left}. A call for a ring not joined yet (a newer generation, or a job this process has not joined
 * yet) waits, without reading further frames, until the ring is joined, or is rejected with ABORTED
 * after {@code pendingHelloTimeout}.
 *
 * <p>Joining a ring makes every other ring of this process fail with {@code RingChanged}: the older
 * generations of the same job, and any ring of another job (a worker trains one job at a time). Within
 * a job, generations only increase; a job that ends for this worker (finished, failed, cancelled,
 * evicted, coordinator lost) is {@linkplain #leave left}, after which the same job id may start again at
 * any generation (a coordinator that restarted and numbers generations anew).
 */
public final class CollectiveService implements BindableService, AutoCloseable {
  /** How long a stream for a not-yet-joined generation may wait by default. */
  public static final Duration DEFAULT_PENDING_HELLO_TIMEOUT = Duration.ofSeconds(60);

  private final Duration pendingHelloTimeout;
  private final ScheduledExecutorService timer;
  private final boolean ownsTimer;
  /** Left jobs remembered, so that their late streams are rejected at once instead of waiting. */
  private static final int LEFT_JOBS_REMEMBERED = 64;

  private final Map<RingKey, RingInbox> inboxes = new HashMap<>();
  /** Newest generation joined, per job this process is in (removed when the job is left). */
  private final Map<String, Long> newestGeneration = new HashMap<>();
  /** Jobs left, oldest first, with the newest generation joined before leaving. */
  private final Map<String, Long> leftJobs = new LinkedHashMap<>();
  private final Map<InboundCall, ScheduledFuture<?>> pending = new HashMap<>();
  private final RingAdmission admission;
  private final io.ringmaster.job.security.TransportSecurity peerSecurity;
  private boolean closed;

  /** A ring: one generation of one job. */
  private record RingKey(String jobId, long generation) {
    static RingKey of(RingHello hello) {
      return new RingKey(hello.getJobId(), hello.getGeneration());
    }

    @Override
    public String toString() {
      return RingMembership.describe(jobId, generation);
    }
  }

  public CollectiveService() {
    this(DEFAULT_PENDING_HELLO_TIMEOUT);
  }

  /**
   * @param pendingHelloTimeout how long a stream for a generation this process has not joined yet may
   *     wait for the join before it is rejected with ABORTED
   */
  public CollectiveService(Duration pendingHelloTimeout) {
    this(pendingHelloTimeout, Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ringmaster-collective-timer");
      t.setDaemon(true);
      return t;
    }), true);
  }

  /**
   * @param pendingHelloTimeout as in {@link #CollectiveService(Duration)}
   * @param timer runs the pending-hello timeouts; owned by the caller ({@link #close()} leaves it running)
   */
  public CollectiveService(Duration pendingHelloTimeout, ScheduledExecutorService timer) {
    this(pendingHelloTimeout, timer, false, io.ringmaster.job.security.TransportSecurity.plaintext());
  }

  /**
   * As {@link #CollectiveService(Duration, ScheduledExecutorService)}, dialling peers with {@code peerSecurity}
   * (TLS with this worker's certificate, or plaintext).
   */
  public CollectiveService(Duration pendingHelloTimeout, ScheduledExecutorService timer,
      io.ringmaster.job.security.TransportSecurity peerSecurity) {
    this(pendingHelloTimeout, timer, false, peerSecurity);
  }

  private CollectiveService(Duration pendingHelloTimeout, ScheduledExecutorService timer, boolean ownsTimer) {
    this(pendingHelloTimeout, timer, ownsTimer, io.ringmaster.job.security.TransportSecurity.plaintext());
  }

  private CollectiveService(Duration pendingHelloTimeout, ScheduledExecutorService timer, boolean ownsTimer,
      io.ringmaster.job.security.TransportSecurity peerSecurity) {
    if (pendingHelloTimeout.isNegative() || pendingHelloTimeout.isZero()) {
      throw new IllegalArgumentException("pendingHelloTimeout " + pendingHelloTimeout + " must be positive");
    }
    this.pendingHelloTimeout = pendingHelloTimeout;
    this.timer = java.util.Objects.requireNonNull(timer, "timer");
    this.ownsTimer = ownsTimer;
    this.peerSecurity = java.util.Objects.requireNonNull(peerSecurity, "peerSecurity");
    this.admission = new RingAdmission(this.timer, pendingHelloTimeout);
  }

  /**
   * The interceptor that admits only members of the rings this process joined (by the ring's token in the
   * call's metadata, before any frame is read). A worker runtime puts it in front of this service and of its
   * state-fetch service; a server without it (benchmarks, tests) admits any caller.
   */
  public RingAdmission admission() {
    return admission;
  }

  /** A channel to a peer's ring server, secured as this process's peers expect. */
  public io.grpc.ManagedChannel peerChannel(PeerAddress peer, RingOptions options) {
    return CollectiveTransport.newChannel(peer, options, peerSecurity);
  }

  @Override
  public ServerServiceDefinition bindService() {
    MethodDescriptor<InboundFrame, RingAck> method = CollectiveGrpc.getRingMethod()
        .toBuilder(new RingFrameMarshaller(), ProtoUtils.marshaller(RingAck.getDefaultInstance()))
        .build();
    return ServerServiceDefinition.builder(CollectiveGrpc.SERVICE_NAME)
        .addMethod(method, ServerCalls.asyncClientStreamingCall(this::openCall))
        .build();
  }

  /** Rejects waiting streams and stops the timer if it owns it. Rings already joined are not affected. */
  @Override
  public void close() {
    List<InboundCall> rejected;
    synchronized (this) {
      closed = true;
      rejected = new ArrayList<>(pending.keySet());
      pending.values().forEach(f -> f.cancel(false));
      pending.clear();
    }
    rejected.forEach(c -> c.finish(Status.ABORTED.withDescription(
        "the worker's collective service is shutting down").asRuntimeException()));
    if (ownsTimer) {
      timer.shutdownNow();
    }
  }

  private StreamObserver<InboundFrame> openCall(StreamObserver<RingAck> responses) {
    ServerCallStreamObserver<RingAck> call = (ServerCallStreamObserver<RingAck>) responses;
    call.disableAutoRequest();
    InboundCall inbound = new InboundCall(this, call);
    call.request(1); // the hello; further frames are requested once the call is attached to a ring
    return inbound;
  }

  /**
   * Makes {@code inbox} receive its ring's stream; fails every other ring of this process (older
   * generations of the job, and rings of other jobs).
   */
  void register(RingInbox inbox) {
    List<Runnable> actions = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the collective service was closed; the worker is shutting down");
      }
      RingKey key = new RingKey(inbox.jobId(), inbox.generation());
      Long newest = newestGeneration.get(key.jobId());
      if (newest != null && key.generation() < newest) {
        throw new IllegalStateException("cannot join " + key + ": this worker already joined generation "
            + newest + " of that job (generations only increase within a job; leave the job first to start"
            + " it again)");
      }
      if (inboxes.containsKey(key)) {
        throw new IllegalStateException(key + " is already joined in this worker; close that ring first");
      }
      leftJobs.remove(key.jobId()); // joining a job it had left starts that job afresh
      // outside this lock: calls held at the door start their handlers, which offer their hello here
      actions.add(() -> admission.allow(key.jobId(), key.generation(), inbox.token()));
      newestGeneration.put(key.jobId(), key.generation());
      for (var other : inboxes.entrySet()) {
        RingInbox older = other.getValue();
        actions.add(() -> older.supersededBy(key.jobId(), key.generation()));
      }
      inboxes.put(key, inbox);
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        InboundCall call = entry.getKey();
        RingKey wanted = RingKey.of(call.hello());
        if (wanted.jobId().equals(key.jobId()) && wanted.generation() <= key.generation()) {
          it.remove();
          entry.getValue().cancel(false);
          if (wanted.equals(key)) {
            actions.add(() -> inbox.attach(call, call.hello()));
          } else {
            actions.add(() -> call.finish(staleGeneration(call.hello(), key.generation())));
          }
        }
      }
    }
    actions.forEach(Runnable::run);
  }

  /** Forgets {@code inbox} (its ring was closed). */
  synchronized void unregister(RingInbox inbox) {
    inboxes.remove(new RingKey(inbox.jobId(), inbox.generation()), inbox);
  }

  /**
   * This process is done with job {@code jobId} (it finished, failed or was cancelled, this worker was
   * evicted or lost its coordinator): rejects the job's waiting streams with ABORTED, and later ones of
   * the generations it joined; fails a ring of the job still joined; and forgets the job's generations,
   * so that the job id may be joined again at any generation. Idempotent.
   */
  public void leave(String jobId) {
    admission.forget(jobId);
    List<Runnable> actions = new ArrayList<>();
    synchronized (this) {
      Long newest = newestGeneration.remove(jobId);
      if (newest != null) {
        leftJobs.remove(jobId);
        leftJobs.put(jobId, newest);
        if (leftJobs.size() > LEFT_JOBS_REMEMBERED) {
          var oldest = leftJobs.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
      }
      for (var entry : inboxes.entrySet()) {
        if (entry.getKey().jobId().equals(jobId)) {
          RingInbox inbox = entry.getValue();
          actions.add(() -> inbox.jobLeft());
        }
      }
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        InboundCall call = entry.getKey();
        if (call.hello().getJobId().equals(jobId)) {
          it.remove();
          entry.getValue().cancel(false);
          actions.add(() -> call.finish(jobLeft(call.hello())));
        }
      }
    }
    actions.forEach(Runnable::run);
  }

  /** Streams waiting for a ring this process has not joined yet (for tests and diagnostics). */
  synchronized int waitingStreams() {
    return pending.size();
  }

  /** Called with the first frame of a call. */
  void offerHello(InboundCall call, RingHello hello) {
    RingKey key = RingKey.of(hello);
    RingInbox target;
    io.grpc.StatusRuntimeException rejection = null;
    synchronized (this) {
      Long newest = newestGeneration.get(key.jobId());
      if (closed) {
        target = null;
        rejection = Status.ABORTED.withDescription("the worker's collective service is shutting down")
            .asRuntimeException();
      } else if (key.generation() <= leftJobs.getOrDefault(key.jobId(), Long.MIN_VALUE)) {
        target = null;
        rejection = jobLeft(hello);
      } else if (newest != null && key.generation() < newest) {
        target = null;
        rejection = staleGeneration(hello, newest);
      } else {
        target = inboxes.get(key);
        if (target == null && (newest == null || key.generation() > newest)) {
          // the sender joined first; wait (reading nothing more) until this worker joins too
          long nanos = pendingHelloTimeout.toNanos();
          pending.put(call, timer.schedule(() -> expire(call), nanos, TimeUnit.NANOSECONDS));
          return;
        }
        if (target == null) {
          rejection = staleGeneration(hello, newest); // this worker joined that ring and already left it
        }
      }
    }
    if (target == null) {
      call.finish(rejection);
    } else {
      target.attach(call, hello);
    }
  }

  /** Called when a call ends before it was attached. */
  void forget(InboundCall call) {
    ScheduledFuture<?> timeout;
    synchronized (this) {
      timeout = pending.remove(call);
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private void expire(InboundCall call) {
    synchronized (this) {
      if (pending.remove(call) == null) {
        return;
      }
    }
    call.finish(Status.ABORTED.withDescription("this worker did not join " + RingKey.of(call.hello())
        + " within " + pendingHelloTimeout + " of rank " + call.hello().getSenderRank()
        + "'s connection; the ranks disagree on the ring: re-form it")
        .asRuntimeException());
  }

  private static io.grpc.StatusRuntimeException staleGeneration(RingHello hello, long newest) {
    return Status.ABORTED.withDescription("ring stream of " + RingKey.of(hello) + " from rank "
        + hello.getSenderRank() + " rejected: this worker is at generation " + newest
        + " of that job; the sender must join the current ring").asRuntimeException();
  }

  private static io.grpc.StatusRuntimeException jobLeft(RingHello hello) {
    return Status.ABORTED.withDescription("ring stream of " + RingKey.of(hello) + " from rank "
        + hello.getSenderRank() + " rejected: this worker has left job " + hello.getJobId()
        + "; the sender holds a stale ring of a job this worker no longer serves").asRuntimeException();
  }
}
