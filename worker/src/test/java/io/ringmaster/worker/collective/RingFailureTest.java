package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CollectiveGrpc;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingChunk;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failure behaviour: every surviving rank gets the same CollectiveException within a bounded time. */
class RingFailureTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void survivorsGetPeerLostNamingTheRankThatDiedMidOperation() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(3, RingOptions.defaults().withChunkBytes(4096))) {
      List<RingAllReduce> rings = ranks.join(1);
      Future<?> rank0 = submitOp(rings.get(0), 100_000);
      Future<?> rank1 = submitOp(rings.get(1), 100_000);
      // rank 2 never calls: ranks 0 and 1 are inside the op, waiting for data that depends on rank 2
      await().atMost(BOUND).until(() -> rings.get(1).progress().framesReceived() > 0
          && List.of(2).equals(boxed(rings.get(0).pendingRanks())));
      assertThat(rings.get(1).pendingRanks()).containsExactly(0);

      ranks.kill(2, rings.get(2));

      for (Future<?> survivor : List.of(rank0, rank1)) {
        CollectiveException e = failureOf(survivor);
        assertThat(e.reason()).isEqualTo(CollectiveException.PEER_LOST);
        assertThat(e.suspectRanks()).containsExactly(2);
        assertThat(e.getMessage()).contains("lost rank 2");
      }
      // the ring stays failed: a later op fails at once with the same reason
      assertThatThrownBy(() -> rings.get(0).allReduceSum(FloatBuffer.allocate(10)))
          .isInstanceOfSatisfying(CollectiveException.class,
              e -> assertThat(e.reason()).isEqualTo(CollectiveException.PEER_LOST));
    }
  }

  @Test
  void aRankThatConnectsAfterItsNeighbourLeftAdoptsTheSameFailure() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(3, RingOptions.defaults())) {
      RingOptions options = RingOptions.defaults();
      RingAllReduce rank0 = RingAllReduce.join(ranks.services.get(0), ranks.membership(1, 0), options);
      RingAllReduce rank1 = RingAllReduce.join(ranks.services.get(1), ranks.membership(1, 1), options);
      ranks.rings.addAll(List.of(rank0, rank1));
      RingMembership lateRank2 = ranks.membership(1, 2); // addresses are gone once rank 1's server stops
      ranks.kill(1, rank1);
      // rank 0's stream to rank 1 breaks: it leaves generation 1 with PeerLost naming rank 1
      await().atMost(BOUND).until(() -> rank0.failure().isPresent());
      assertThat(rank0.failure().get().reason()).isEqualTo(CollectiveException.PEER_LOST);

      // rank 2 joins late; its stream reaches rank 0 only after rank 0 left the generation
      RingAllReduce rank2 = RingAllReduce.join(ranks.services.get(2), lateRank2, options);
      ranks.rings.add(rank2);
      CollectiveException e = failureOf(submitOp(rank2, 1000));
      assertThat(e.reason()).isEqualTo(CollectiveException.PEER_LOST);
      assertThat(e.suspectRanks()).containsExactly(1);
      assertThat(e.getMessage()).startsWith("rank 0:").contains("lost rank 1");
    }
  }

  @Test
  void timeoutNamesTheRankThatNeverStartedOnEveryRank() throws Exception {
    RingOptions options = RingOptions.defaults()
        .withOpTimeout(Duration.ofSeconds(1))
        .withStallGrace(Duration.ofSeconds(3));
    try (LoopbackRanks ranks = LoopbackRanks.start(3, options)) {
      List<RingAllReduce> rings = ranks.join(1);
      Future<?> rank0 = submitOp(rings.get(0), 1000);
      Future<?> rank2 = submitOp(rings.get(2), 1000);
      // rank 1 never calls. Rank 2 (whose left neighbour is rank 1) times out first and tells the others.
      for (Future<?> f : List.of(rank0, rank2)) {
        CollectiveException e = failureOf(f);
        assertThat(e.reason()).isEqualTo(CollectiveException.TIMEOUT);
        assertThat(e.suspectRanks()).containsExactly(1);
        assertThat(e.getMessage()).startsWith("rank 2:").contains("has not started");
      }
      await().atMost(BOUND).until(() -> rings.get(1).failure().isPresent());
      assertThatThrownBy(() -> rings.get(1).allReduceSum(FloatBuffer.allocate(1000)))
          .isInstanceOfSatisfying(CollectiveException.class, e -> {
            assertThat(e.reason()).isEqualTo(CollectiveException.TIMEOUT);
            assertThat(e.suspectRanks()).containsExactly(1);
          });
    }
  }

  @Test
  void lengthMismatchBecomesMismatchOnEveryRank() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(3, RingOptions.defaults())) {
      List<RingAllReduce> rings = ranks.join(1);
      List<Future<?>> ops = List.of(
          submitOp(rings.get(0), 1000), submitOp(rings.get(1), 1000), submitOp(rings.get(2), 999));
      for (Future<?> f : ops) {
        CollectiveException e = failureOf(f);
        assertThat(e.reason()).isEqualTo(CollectiveException.MISMATCH);
        assertThat(e.suspectRanks()).contains(2);
        assertThat(e.getMessage()).contains("999-element").contains("1000-element");
      }
    }
  }

  @Test
  void ranksOfDifferentGenerationsGetRingChanged() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults(), Duration.ofSeconds(1))) {
      RingAllReduce old = RingAllReduce.join(ranks.services.get(0), ranks.membership(1, 0),
          RingOptions.defaults());
      RingAllReduce current = RingAllReduce.join(ranks.services.get(1), ranks.membership(2, 1),
          RingOptions.defaults());
      ranks.rings.addAll(List.of(old, current));
      Future<?> oldOp = submitOp(old, 100);
      Future<?> currentOp = submitOp(current, 100);
      // rank 1 (generation 2) rejects rank 0's generation-1 stream at once; rank 0 never joins
      // generation 2, so rank 1's stream waits at rank 0 until the 1 s pending timeout rejects it
      for (Future<?> f : List.of(oldOp, currentOp)) {
        CollectiveException e = failureOf(f);
        assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED);
        assertThat(e.getMessage()).contains("generation");
      }
    }
  }

  @Test
  void serverRejectsFramesOfAnotherGenerationWithAborted() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults())) {
      // only rank 1 joins generation 5; this test plays rank 0 with a raw stub
      RingAllReduce rank1 = RingAllReduce.join(ranks.services.get(1), ranks.membership(5, 1),
          RingOptions.defaults());
      ranks.rings.add(rank1);
      PeerAddress address = ranks.addresses().get(1);
      ManagedChannel channel = CollectiveTransport.newChannel(address, RingOptions.defaults());
      try {
        // a hello of an older generation is refused outright
        Status stale = streamAndAwaitStatus(channel, hello(4), null);
        assertThat(stale.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(stale.getDescription()).contains("generation 4").contains("generation 5");
        assertThat(rank1.failure()).isEmpty();

        // on an accepted stream, a chunk of another generation fails the ring
        RingFrame wrongChunk = RingFrame.newBuilder().setChunk(RingChunk.newBuilder()
            .setGeneration(4).setTotalElements(1).setData(ByteString.copyFrom(new byte[4]))).build();
        Status changed = streamAndAwaitStatus(channel, hello(5), wrongChunk);
        assertThat(changed.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(rank1.failure()).hasValueSatisfying(
            e -> assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED));
        assertThatThrownBy(() -> rank1.allReduceSum(FloatBuffer.allocate(1)))
            .isInstanceOfSatisfying(CollectiveException.class,
                e -> assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void closingARankFailsItsNeighboursPendingOpAndItsOwnLaterOps() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults())) {
      List<RingAllReduce> rings = ranks.join(1);
      Future<?> pending = submitOp(rings.get(0), 1000);
      await().atMost(BOUND).until(() -> rings.get(0).pendingRanks().length == 1);

      rings.get(1).close();
      rings.get(1).close(); // idempotent

      CollectiveException e = failureOf(pending);
      assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED);
      assertThat(e.getMessage()).contains("rank 1").contains("left the ring");
      assertThatThrownBy(() -> rings.get(1).allReduceSum(FloatBuffer.allocate(1000)))
          .isInstanceOfSatisfying(CollectiveException.class,
              ex -> assertThat(ex.reason()).isEqualTo(CollectiveException.RING_CHANGED));
    }
  }

  @Test
  void joiningANewerGenerationSupersedesTheOldRingAndOlderJoinsAreRefused() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults())) {
      CollectiveService service = ranks.services.get(0);
      RingAllReduce gen2 = RingAllReduce.join(service, ranks.membership(2, 0), RingOptions.defaults());
      ranks.rings.add(gen2);
      assertThatThrownBy(() -> RingAllReduce.join(service, ranks.membership(1, 0), RingOptions.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already joined generation 2");

      RingAllReduce gen3 = RingAllReduce.join(service, ranks.membership(3, 0), RingOptions.defaults());
      ranks.rings.add(gen3);
      assertThat(gen2.failure()).hasValueSatisfying(e -> {
        assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED);
        assertThat(e.getMessage()).contains("generation 3");
      });
      assertThat(gen3.failure()).isEmpty();
    }
  }

  private static RingFrame hello(long generation) {
    return RingFrame.newBuilder().setHello(RingHello.newBuilder()
        .setGeneration(generation).setSenderRank(0).setWorldSize(2)).build();
  }

  /** Opens a raw ring stream, sends the frames, and returns the status the server ends it with. */
  private static Status streamAndAwaitStatus(ManagedChannel channel, RingFrame first, RingFrame second)
      throws Exception {
    CompletableFuture<Status> status = new CompletableFuture<>();
    StreamObserver<RingFrame> requests = CollectiveGrpc.newStub(channel).ring(new StreamObserver<RingAck>() {
      @Override
      public void onNext(RingAck value) {}

      @Override
      public void onError(Throwable t) {
        status.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        status.complete(Status.OK);
      }
    });
    requests.onNext(first);
    if (second != null) {
      requests.onNext(second);
    }
    return status.get(BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  private static Future<?> submitOp(RingAllReduce ring, int length) {
    return pool.submit(() -> {
      ring.allReduceSum(TestVectors.input(ring.rank(), 0, length, true));
      return null;
    });
  }

  private static CollectiveException failureOf(Future<?> op) throws Exception {
    try {
      op.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(CollectiveException.class);
      return (CollectiveException) e.getCause();
    }
    throw new AssertionError("the op completed although the ring should have failed");
  }

  private static List<Integer> boxed(int[] ranks) {
    return java.util.Arrays.stream(ranks).boxed().toList();
  }
}
