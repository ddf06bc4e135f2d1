package io.ringmaster.job.plan;

/**
 * Which training samples each rank uses at each step of one epoch, derived only from
 * (seed, epoch, dataset size, global batch) and the world size. Workers and the coordinator compute it
 * independently and agree, so no index list ever crosses the network.
 *
 * <ol>
 *   <li>The epoch's order is a permutation of {@code 0 .. samples-1}: a Fisher-Yates shuffle driven by
 *       SplitMix64 seeded with {@link #epochSeed(long, int)}. Same (seed, epoch): same order; another
 *       epoch: another order.
 *   <li>Step {@code s} takes positions {@code [s*B, min((s+1)*B, samples))} of that order; the last step
 *       may be shorter. Every sample is used exactly once per epoch: no padding, nothing dropped.
 *   <li>Inside a step of {@code n} samples, rank {@code r} of {@code W} takes the contiguous run
 *       {@code [floor(r*n/W), floor((r+1)*n/W))}; sizes differ by at most one (a rank may get zero
 *       samples in a short last step and then contributes a zero gradient).
 * </ol>
 *
 * Because step boundaries do not depend on W, the remaining steps of an epoch can be re-split over a
 * different number of ranks at any step boundary and every sample is still used exactly once.
 */
public final class ShardPlan implements EpochPlan {
  private final long seed;
  private final int epoch;
  private final int samples;
  private final int globalBatch;
  private final int[] order;

  private ShardPlan(long seed, int epoch, int samples, int globalBatch) {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    }
    if (globalBatch < 1) {
      throw new IllegalArgumentException("globalBatch must be >= 1, got " + globalBatch);
    }
    this.seed = seed;
    this.epoch = epoch;
    this.samples = samples;
    this.globalBatch = globalBatch;
    this.order = permutation(samples, epochSeed(seed, epoch));
  }

  /** The plan of one epoch (epochs are 1-based in the API, but any int works). */
  public static ShardPlan of(long seed, int epoch, int samples, int globalBatch) {
    return new ShardPlan(seed, epoch, samples, globalBatch);
  }

  public long seed() {
    return seed;
  }

  public int epoch() {
    return epoch;
  }

  public int samples() {
    return samples;
  }

  public int globalBatch() {
    return globalBatch;
  }

  /** Synchronous steps in the epoch: ceil(samples / globalBatch). */
  @Override
  public int steps() {
    return steps(samples, globalBatch);
  }

  /**
   * Synchronous steps in an epoch of {@code samples} at {@code globalBatch}: ceil(samples / globalBatch),
   * the same for every epoch and seed. For callers that need the count only: building a plan shuffles
   * all the samples.
   */
  public static int steps(int samples, int globalBatch) {
    if (samples < 1 || globalBatch < 1) {
      throw new IllegalArgumentException("samples and globalBatch must be >= 1, got " + samples + ", " + globalBatch);
    }
    return (int) (((long) samples + globalBatch - 1) / globalBatch);
  }

  /** Samples in step {@code step} over all ranks (globalBatch, or fewer in the last step). */
  @Override
  public int stepSize(int step) {
    checkStep(step);
    return Math.min(globalBatch, samples - step * globalBatch);
  }

  /** Number of samples rank {@code rank} of {@code worldSize} trains at {@code step}. */
  public int localSize(int step, int rank, int worldSize) {
    int n = stepSize(step);
    checkRank(rank, worldSize);
    return bound(n, rank + 1, worldSize) - bound(n, rank, worldSize);
  }

  /** Sample indices rank {@code rank} of {@code worldSize} trains at {@code step}. */
  public int[] indices(int step, int rank, int worldSize) {
    int n = stepSize(step);
    checkRank(rank, worldSize);
    int from = step * globalBatch + bound(n, rank, worldSize);
    int to = step * globalBatch + bound(n, rank + 1, worldSize);
    int[] out = new int[to - from];
    System.arraycopy(order, from, out, 0, out.length);
    return out;
  }

  /** Same as {@link #indices} but into {@code dst}; returns the count written. */
  @Override
  public int indices(int step, int rank, int worldSize, int[] dst) {
    int n = stepSize(step);
    checkRank(rank, worldSize);
    int from = step * globalBatch + bound(n, rank, worldSize);
    int to = step * globalBatch + bound(n, rank + 1, worldSize);
    System.arraycopy(order, from, dst, 0, to - from);
    return to - from;
  }

  /** Training samples consumed by steps {@code [0, step)}. */
  public long samplesBefore(int step) {
    return Math.min((long) step * globalBatch, samples);
  }

  /** A copy of the epoch's sample order. */
  public int[] order() {
    return order.clone();
  }

  private static int bound(int n, int rank, int worldSize) {
    return (int) ((long) rank * n / worldSize);
  }

  private void checkStep(int step) {
    if (step < 0 || step >= steps()) {
      throw new IndexOutOfBoundsException("step " + step + " not in [0, " + steps() + ")");
    }
  }

  private static void checkRank(int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IndexOutOfBoundsException("rank " + rank + " not in [0, " + worldSize + ")");
    }
  }

  /** The shuffle seed of an epoch: SplitMix64 of the job seed mixed with the epoch number. */
  public static long epochSeed(long seed, int epoch) {
    return mix(seed ^ mix(0x9E3779B97F4A7C15L * (epoch + 1L)));
  }

  private static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    long state = seed;
    for (int i = n - 1; i > 0; i--) {
      state += 0x9E3779B97F4A7C15L;
      int j = (int) Long.remainderUnsigned(mix(state), i + 1L);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** SplitMix64's finaliser (Steele, Lea, Flood 2014). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
