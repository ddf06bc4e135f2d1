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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of the ring in a worker process: the {@code ringmaster.v1.Collective} service. The
 * worker runtime adds ONE instance to its gRPC server (tuned with {@link CollectiveTransport}) before
 * starting it, and passes it to {@link RingAllReduce#join} for every generation it joins.
 *
 * <p>Each incoming call is one ring edge: its first frame names the generation and the sending rank.
 * A call for a generation this process has joined is attached to that ring's inbox; a call for a
 * generation older than the newest joined is rejected with ABORTED (ring changed); a call for a
 * generation not joined yet waits (without reading further frames) until the ring is joined, or is
 * rejected with ABORTED after {@code pendingHelloTimeout}. Joining a generation makes every older ring
 * of this process fail with {@code RingChanged}.
 */
public final class CollectiveService implements BindableService, AutoCloseable {
  /** How long a stream for a not-yet-joined generation may wait by default. */
  public static final Duration DEFAULT_PENDING_HELLO_TIMEOUT = Duration.ofSeconds(60);

  private final Duration pendingHelloTimeout;
  private final ScheduledExecutorService timer;
  private final boolean ownsTimer;
  private final Map<Long, RingInbox> inboxes = new HashMap<>();
  private final Map<InboundCall, ScheduledFuture<?>> pending = new HashMap<>();
  private long newestGeneration = Long.MIN_VALUE;
  private boolean closed;

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
    this(pendingHelloTimeout, timer, false);
  }

  private CollectiveService(Duration pendingHelloTimeout, ScheduledExecutorService timer, boolean ownsTimer) {
    if (pendingHelloTimeout.isNegative() || pendingHelloTimeout.isZero()) {
      throw new IllegalArgumentException("pendingHelloTimeout " + pendingHelloTimeout + " must be positive");
    }
    this.pendingHelloTimeout = pendingHelloTimeout;
    this.timer = java.util.Objects.requireNonNull(timer, "timer");
    this.ownsTimer = ownsTimer;
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

  /** Makes {@code inbox} receive its generation's stream; fails every older ring of this process. */
  void register(RingInbox inbox) {
    List<Runnable> actions = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the collective service was closed; the worker is shutting down");
      }
      long generation = inbox.generation();
      if (generation < newestGeneration) {
        throw new IllegalStateException("cannot join generation " + generation + ": this worker already"
            + " joined generation " + newestGeneration + " (generations only increase)");
      }
      if (inboxes.containsKey(generation)) {
        throw new IllegalStateException("generation " + generation + " is already joined in this worker;"
            + " close that ring first");
      }
      newestGeneration = generation;
      for (RingInbox older : inboxes.values()) {
        actions.add(() -> older.supersededBy(generation));
      }
      inboxes.put(generation, inbox);
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        InboundCall call = entry.getKey();
        long g = call.hello().getGeneration();
        if (g <= generation) {
          it.remove();
          entry.getValue().cancel(false);
          if (g == generation) {
            actions.add(() -> inbox.attach(call, call.hello()));
          } else {
            actions.add(() -> call.finish(staleGeneration(call.hello(), generation)));
          }
        }
      }
    }
    actions.forEach(Runnable::run);
  }

  /** Forgets {@code inbox} (its ring was closed). */
  synchronized void unregister(RingInbox inbox) {
    inboxes.remove(inbox.generation(), inbox);
  }

  /** Called with the first frame of a call. */
  void offerHello(InboundCall call, RingHello hello) {
    RingInbox target;
    synchronized (this) {
      long g = hello.getGeneration();
      if (closed || g < newestGeneration) {
        target = null; // stale (or this worker is shutting down)
      } else {
        target = inboxes.get(g);
        if (target == null && g > newestGeneration) {
          // the sender joined first; wait (reading nothing more) until this worker joins too
          long nanos = pendingHelloTimeout.toNanos();
          pending.put(call, timer.schedule(() -> expire(call), nanos, TimeUnit.NANOSECONDS));
          return;
        }
        // target == null here: this worker joined g and already left it
      }
    }
    if (target == null) {
      call.finish(staleGeneration(hello, newestGenerationSnapshot()));
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
    call.finish(Status.ABORTED.withDescription("this worker did not join generation "
        + call.hello().getGeneration() + " within " + pendingHelloTimeout + " of rank "
        + call.hello().getSenderRank() + "'s connection; the ranks disagree on the ring: re-form it")
        .asRuntimeException());
  }

  private synchronized long newestGenerationSnapshot() {
    return newestGeneration;
  }

  private static io.grpc.StatusRuntimeException staleGeneration(RingHello hello, long newest) {
    return Status.ABORTED.withDescription("ring stream of generation " + hello.getGeneration()
        + " from rank " + hello.getSenderRank() + " rejected: this worker is at generation " + newest
        + "; the sender must join the current ring").asRuntimeException();
  }
}
