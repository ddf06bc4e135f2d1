package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CollectiveGrpc;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Long-lived workers serve one job after another, and every job numbers its ring generations from 1:
 * rings are scoped by (job, generation), so a job starts on any worker whatever it did before, and a
 * stream of another job is never mixed into a ring.
 */
class JobScopedRingsTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final int LENGTH = 10_001;
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
  void consecutiveJobsOnTheSameWorkersEachStartAtGenerationOneEvenAfterARingBroke() throws Exception {
    RingOptions options = RingOptions.defaults().withChunkBytes(4096);
    try (LoopbackRanks ranks = LoopbackRanks.start(2, options)) {
      // job 1: generations 1 and 2 (a recovery), then it succeeds and the workers leave it
      sumOnEveryRank(ranks.join("job-1", 1));
      sumOnEveryRank(ranks.join("job-1", 2));
      closeAndLeave(ranks, "job-1");

      // job 2 starts at generation 1 on the same workers; its ring breaks mid-op (rank 1 goes away)
      List<RingAllReduce> job2 = ranks.join("job-2", 1);
      Future<?> pending = pool.submit(() -> {
        job2.get(0).allReduceSum(TestVectors.input(0, 0, LENGTH, true));
        return null;
      });
      await().atMost(BOUND).until(() -> job2.get(0).pendingRanks().length == 1);
      job2.get(1).close();
      assertThat(failureOf(pending).reason()).isEqualTo(CollectiveException.RING_CHANGED);
      closeAndLeave(ranks, "job-2"); // the job failed: its workers are free again

      // job 3, generation 1 again: a clean ring on both workers
      List<RingAllReduce> job3 = ranks.join("job-3", 1);
      sumOnEveryRank(job3);
      assertThat(job3.get(0).failure()).isEmpty();
      assertThat(job3.get(1).failure()).isEmpty();
      closeAndLeave(ranks, "job-3");

      // and a job id may start again at any generation once left (a coordinator that numbers anew)
      sumOnEveryRank(ranks.join("job-1", 1));
    }
  }

  @Test
  void aStreamOfALeftJobIsRejectedAndNeverReachesTheCurrentJobsRing() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults(), Duration.ofSeconds(30))) {
      CollectiveService rank1Service = ranks.services.get(1);
      RingAllReduce old = RingAllReduce.join(rank1Service, ranks.membership("job-a", 3, 1), RingOptions.defaults());
      old.close();
      rank1Service.leave("job-a");
      RingAllReduce current = RingAllReduce.join(rank1Service, ranks.membership("job-b", 1, 1),
          RingOptions.defaults());
      ranks.rings.add(current);

      ManagedChannel channel = CollectiveTransport.newChannel(ranks.addresses().get(1), RingOptions.defaults());
      try {
        // a late stream of job-a, whose generation 1 equals job-b's current one
        Status stale = streamAndAwaitStatus(channel, hello("job-a", 1));
        assertThat(stale.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(stale.getDescription()).contains("job job-a generation 1").contains("has left job job-a");
        // job-b's ring of the same generation number took nothing from it
        assertThat(current.failure()).isEmpty();
        assertThat(current.progress().leftStarted()).isFalse();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void joiningAnotherJobSupersedesTheOldJobsRingAndOlderGenerationsStayRefusedWithinAJob() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults())) {
      CollectiveService service = ranks.services.get(0);
      RingAllReduce jobA = RingAllReduce.join(service, ranks.membership("job-a", 5, 0), RingOptions.defaults());
      ranks.rings.add(jobA);
      assertThatThrownBy(() -> RingAllReduce.join(service, ranks.membership("job-a", 4, 0), RingOptions.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot join job job-a generation 4")
          .hasMessageContaining("already joined generation 5");

      RingAllReduce jobB = RingAllReduce.join(service, ranks.membership("job-b", 1, 0), RingOptions.defaults());
      ranks.rings.add(jobB);

      assertThat(jobA.failure()).hasValueSatisfying(e -> {
        assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED);
        assertThat(e.getMessage()).contains("joined job job-b generation 1")
            .contains("ring of job job-a generation 5 is obsolete");
      });
      assertThat(jobB.failure()).isEmpty();
    }
  }

  @Test
  void leavingAJobRejectsItsWaitingStreamsAndFailsItsRingStillJoined() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(2, RingOptions.defaults(), Duration.ofSeconds(30))) {
      // rank 0 joins generation 2 of job-a; rank 1 has not joined, so rank 0's stream waits there
      RingAllReduce rank0 = RingAllReduce.join(ranks.services.get(0), ranks.membership("job-a", 2, 0),
          RingOptions.defaults());
      ranks.rings.add(rank0);
      await().atMost(BOUND).until(() -> ranks.services.get(1).waitingStreams() == 1);

      ranks.services.get(1).leave("job-a"); // rank 1 was released from job-a before it joined

      await().atMost(BOUND).until(() -> rank0.failure().isPresent());
      assertThat(rank0.failure().get().reason()).isEqualTo(CollectiveException.RING_CHANGED);
      assertThat(rank0.failure().get().getMessage()).contains("has left job job-a");
      assertThat(ranks.services.get(1).waitingStreams()).isZero();

      // a ring still joined when its worker leaves the job fails at once
      RingAllReduce jobB = RingAllReduce.join(ranks.services.get(0), ranks.membership("job-b", 1, 0),
          RingOptions.defaults());
      ranks.rings.add(jobB);
      ranks.services.get(0).leave("job-b");
      assertThat(jobB.failure()).hasValueSatisfying(e -> {
        assertThat(e.reason()).isEqualTo(CollectiveException.RING_CHANGED);
        assertThat(e.getMessage()).contains("this worker left job job-b");
      });
    }
  }

  private static void closeAndLeave(LoopbackRanks ranks, String jobId) {
    ranks.rings.forEach(RingAllReduce::close);
    ranks.services.forEach(s -> s.leave(jobId));
  }

  private static void sumOnEveryRank(List<RingAllReduce> rings) throws Exception {
    List<FloatBuffer> buffers = new ArrayList<>();
    List<Future<?>> ops = new ArrayList<>();
    for (RingAllReduce ring : rings) {
      FloatBuffer buf = TestVectors.input(ring.rank(), 0, LENGTH, true);
      buffers.add(buf);
      ops.add(pool.submit(() -> {
        ring.allReduceSum(buf);
        return null;
      }));
    }
    for (Future<?> op : ops) {
      op.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
    TestVectors.Expected expected = TestVectors.expectedSum(rings.size(), 0, LENGTH);
    for (FloatBuffer buf : buffers) {
      assertThat(TestVectors.firstWrongSum(buf, expected)).isEqualTo(-1);
    }
  }

  private static RingFrame hello(String jobId, long generation) {
    return RingFrame.newBuilder().setHello(RingHello.newBuilder()
        .setJobId(jobId).setGeneration(generation).setSenderRank(0).setWorldSize(2)).build();
  }

  private static Status streamAndAwaitStatus(ManagedChannel channel, RingFrame first) throws Exception {
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
    return status.get(BOUND.toSeconds(), TimeUnit.SECONDS);
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
}
