package io.ringmaster.worker;

import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Heartbeat;
import io.ringmaster.proto.v1.Welcome;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A coordinator's {@code WorkerControl} end, played by a test: it welcomes the worker (heartbeats every
 * 50 ms), records what the worker sends, and sends the commands the test gives it.
 */
final class FakeCoordinator implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final Server server;
  private final LinkedBlockingQueue<WorkerMessage> received = new LinkedBlockingQueue<>();
  /** Every non-heartbeat message taken from the queue so far, in order. */
  private final List<WorkerMessage> history = new ArrayList<>();
  /** The last heartbeat of the current stream (null after {@link #dropStream} until the next stream beats). */
  private final AtomicReference<Heartbeat> lastBeat = new AtomicReference<>();
  private volatile StreamObserver<CoordinatorMessage> toWorker;

  FakeCoordinator() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(new WorkerControlGrpc.WorkerControlImplBase() {
          @Override
          public StreamObserver<WorkerMessage> attach(StreamObserver<CoordinatorMessage> responses) {
            toWorker = responses;
            return new StreamObserver<>() {
              @Override
              public void onNext(WorkerMessage m) {
                if (m.hasHello()) {
                  // a new attachment: what the worker does is told by its beats from now on, not by the
                  // last beat of a stream that was cut (which may still say TRAINING)
                  lastBeat.set(null);
                  responses.onNext(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
                      .setWorkerId(m.getHello().getWorkerId()).setHeartbeatIntervalMs(50)).build());
                }
                if (m.hasHeartbeat()) {
                  synchronized (lastBeat) { // a beat of a dropped stream is stale: it must not count
                    if (toWorker == responses) {
                      lastBeat.set(m.getHeartbeat());
                    }
                  }
                } else {
                  received.add(m);
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        })
        .build().start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  void send(CoordinatorMessage m) {
    toWorker.onNext(m);
  }

  /** Ends the worker's stream with UNAVAILABLE, as a coordinator cut off by the network would. */
  void dropStream() {
    StreamObserver<CoordinatorMessage> s = toWorker;
    synchronized (lastBeat) {
      toWorker = null;
      lastBeat.set(null);
    }
    s.onError(Status.UNAVAILABLE.withDescription("network partition (test)").asRuntimeException());
  }

  /** The next message (heartbeats aside) of the given kind; messages of other kinds are kept in the history. */
  WorkerMessage next(WorkerMessage.BodyCase kind) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      WorkerMessage m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError("no " + kind + " from the worker within " + BOUND + "; received " + history);
      }
      history.add(m);
      if (m.getBodyCase() == kind) {
        return m;
      }
    }
  }

  /** Messages of {@code kind} taken so far. */
  List<WorkerMessage> taken(WorkerMessage.BodyCase kind) {
    return history.stream().filter(m -> m.getBodyCase() == kind).toList();
  }

  /** Waits for a heartbeat whose activity matches, and returns that activity. */
  WorkerActivity awaitActivity(Predicate<WorkerActivity> matches) {
    AtomicReference<WorkerActivity> seen = new AtomicReference<>();
    await().atMost(BOUND).until(() -> {
      Heartbeat b = lastBeat.get();
      if (b != null && matches.test(b.getActivity())) {
        seen.set(b.getActivity());
        return true;
      }
      return false;
    });
    return seen.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
