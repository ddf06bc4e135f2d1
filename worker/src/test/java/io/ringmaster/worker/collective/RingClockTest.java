package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The all-reduce measures its timeouts on the clock it is given, not on the system's. */
class RingClockTest {
  @Test
  void anOpTimesOutWhenTheInjectedClockPassesTheOpTimeout() throws Exception {
    AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    RingOptions options = RingOptions.defaults().withOpTimeout(Duration.ofSeconds(30));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (LoopbackRanks ranks = LoopbackRanks.start(2, options)) {
      RingAllReduce rank0 = RingAllReduce.join(ranks.services.get(0), ranks.membership(1, 0), options, nanos::get);
      RingAllReduce rank1 = RingAllReduce.join(ranks.services.get(1), ranks.membership(1, 1), options);
      ranks.rings.add(rank0);
      ranks.rings.add(rank1);
      // rank 1 never starts the op: rank 0 waits for its left neighbour until the (fake) deadline
      Future<?> op = pool.submit(() -> {
        rank0.allReduceSum(TestVectors.input(0, 0, 1000, false));
        return null;
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> rank0.pendingRanks().length == 1);
      assertThat(rank0.progress().elapsedNanos()).isZero(); // the fake clock has not moved

      nanos.addAndGet(TimeUnit.SECONDS.toNanos(29));
      assertThat(rank0.progress().elapsedNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(29));
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
      rank0.wakeForTest();

      try {
        op.get(20, TimeUnit.SECONDS);
        throw new AssertionError("the op completed although rank 1 never started it");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOfSatisfying(CollectiveException.class, c -> {
          assertThat(c.reason()).isEqualTo(CollectiveException.TIMEOUT);
          assertThat(c.getMessage()).contains("waited 31000 ms for rank 1");
        });
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
