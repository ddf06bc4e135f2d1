package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Correctness of the ring all-reduce between ranks with real loopback Netty servers. */
class RingAllReduceTest {
  /** Small frames so that modest vectors still need many chunks per segment (pipelining). */
  private static final RingOptions SMALL_CHUNKS = RingOptions.defaults().withChunkBytes(4096);

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
  void singleRankIsIdentityWithoutNetwork() throws Exception {
    try (CollectiveService service = new CollectiveService();
        RingAllReduce ring = RingAllReduce.join(service,
            new RingMembership(3, 0, List.of(new PeerAddress("127.0.0.1", 1))), RingOptions.defaults())) {
      // port 1 is never dialled: one rank needs no network
      for (int length : new int[] {0, 1, 7, 1000}) {
        FloatBuffer buf = TestVectors.input(0, length, length, false);
        FloatBuffer before = TestVectors.input(0, length, length, false);
        ring.allReduceSum(buf);
        assertThat(TestVectors.firstBitDifference(buf, before)).isEqualTo(-1);
      }
      assertThat(ring.worldSize()).isEqualTo(1);
      assertThat(ring.generation()).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "N={0}")
  @ValueSource(ints = {2, 3, 4})
  void sumsOddLengthsOnEveryRank(int n) throws Exception {
    int[] lengths = {1, 7, n - 1, n, n + 1, 1023, 4099, 100_003};
    try (LoopbackRanks ranks = LoopbackRanks.start(n, SMALL_CHUNKS)) {
      List<RingAllReduce> rings = ranks.join(1);
      // consecutive ops of different lengths on the same ring (op_seq advances on every rank)
      checkOps(rings, lengths, rank -> rank % 2 == 0);
    }
  }

  @Test
  void sumsAMillionElementsWithDefaultChunks() throws Exception {
    try (LoopbackRanks ranks = LoopbackRanks.start(4, RingOptions.defaults())) {
      checkOps(ranks.join(7), new int[] {1_000_003, 1_000_003, 5}, rank -> rank != 1);
    }
  }

  @Test
  void sums64MiBOnThreeRanks() throws Exception {
    int length = 64 * 1024 * 1024 / 4;
    try (LoopbackRanks ranks = LoopbackRanks.start(3, RingOptions.defaults())) {
      // direct buffers (like ND4J's off-heap gradients) on ranks 0 and 2, a heap buffer on rank 1
      checkOps(ranks.join(1), new int[] {length}, rank -> rank != 1);
    }
  }

  @Test
  void acceptsBigEndianAndLimitedBuffersAndLeavesPositionAndLimitAlone() throws Exception {
    int length = 10_001;
    try (LoopbackRanks ranks = LoopbackRanks.start(2, SMALL_CHUNKS)) {
      List<RingAllReduce> rings = ranks.join(1);
      FloatBuffer bigEndian = ByteBuffer.allocateDirect(length * 4).asFloatBuffer(); // BIG_ENDIAN view
      TestVectors.fill(bigEndian, 0, 0);
      FloatBuffer limited = FloatBuffer.allocate(length + 5);
      for (int i = length; i < length + 5; i++) {
        limited.put(i, 42f);
      }
      limited.limit(length);
      TestVectors.fill(limited, 1, 0);
      limited.position(17);

      runAll(List.of(() -> rings.get(0).allReduceSum(bigEndian), () -> rings.get(1).allReduceSum(limited)));

      assertThat(bigEndian.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
      assertThat(limited.position()).isEqualTo(17);
      assertThat(limited.limit()).isEqualTo(length);
      FloatBuffer whole = limited.duplicate().limit(length + 5);
      for (int i = length; i < length + 5; i++) {
        assertThat(whole.get(i)).as("element %d beyond the limit", i).isEqualTo(42f);
      }
      assertThat(TestVectors.firstWrongSum(limited, TestVectors.expectedSum(2, 0, length))).isEqualTo(-1);
      assertThat(TestVectors.firstBitDifference(bigEndian, limited)).isEqualTo(-1);
    }
  }

  /**
   * Runs one op per length on every rank (each rank on its own thread), then checks the sum and that
   * every rank holds the same bits.
   */
  private static void checkOps(List<RingAllReduce> rings, int[] lengths, IntFunction<Boolean> direct)
      throws Exception {
    int n = rings.size();
    for (int op = 0; op < lengths.length; op++) {
      int length = lengths[op];
      List<FloatBuffer> buffers = new ArrayList<>();
      List<ThrowingRunnable> tasks = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        FloatBuffer buf = TestVectors.input(r, op, length, direct.apply(r));
        buffers.add(buf);
        RingAllReduce ring = rings.get(r);
        tasks.add(() -> ring.allReduceSum(buf));
      }
      runAll(tasks);
      TestVectors.Expected expected = TestVectors.expectedSum(n, op, length);
      for (int r = 0; r < n; r++) {
        assertThat(TestVectors.firstWrongSum(buffers.get(r), expected))
            .as("first wrong element on rank %d of %d, op %d, length %d", r, n, op, length)
            .isEqualTo(-1);
        assertThat(TestVectors.firstBitDifference(buffers.get(r), buffers.get(0)))
            .as("first element whose bits differ between rank %d and rank 0, op %d, length %d", r, op, length)
            .isEqualTo(-1);
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static void runAll(List<ThrowingRunnable> tasks) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (ThrowingRunnable t : tasks) {
      futures.add(pool.submit(() -> {
        t.run();
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
  }
}
