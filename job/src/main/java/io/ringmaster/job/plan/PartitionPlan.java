package io.ringmaster.job.plan;

import java.util.Arrays;

/**
 * The plan of one epoch when each rank holds only its own partition of the training set (a Spark task's
 * rows), derived from (seed, epoch, every partition's size, global batch) alone, so every rank computes
 * the same step sizes without exchanging anything but the sizes.
 *
 * <ol>
 *   <li>Rank {@code p} shuffles its own {@code n_p} rows with a permutation seeded by (seed, epoch, p)
 *       ({@link #partitionSeed(long, int)} fed to {@link ShardPlan}'s shuffle).
 *   <li>The epoch has {@code ceil(N / B)} steps, N the total of all partitions and B the global batch, as
 *       in the core. After step {@code s} the job has consumed {@code t = min((s+1)*B, N)} samples, and
 *       rank {@code p} has consumed {@code floor(n_p * t / N)} of its rows: each rank moves through its
 *       partition at the same pace, so a smaller partition contributes proportionally fewer samples per
 *       step. At the last step {@code t = N} and every row has been used exactly once.
 *   <li>Rank {@code p} trains the positions {@code [floor(n_p*t_s/N), floor(n_p*t_{s+1}/N))} of its
 *       permutation at step {@code s}. Because of the floors the global batch of a step may differ from B
 *       by less than the number of ranks; {@link #stepSize(int)} is the exact sum of the local batches,
 *       and the optimizer divides by it, so every step is still exactly one step on the union of the
 *       local batches. With B >= the number of ranks no step is empty.
 * </ol>
 *
 * Unlike {@link ShardPlan} the step boundaries depend on how the data is partitioned, so a plan cannot
 * be re-split over another number of ranks mid-epoch (a Spark barrier stage restarts all its tasks
 * instead).
 */
public final class PartitionPlan implements EpochPlan {
  private final int partition;
  private final long[] sizes;
  private final long total;
  private final int globalBatch;
  private final int steps;
  private final int[] order;

  private PartitionPlan(long seed, int epoch, int partition, long[] sizes, int globalBatch) {
    if (sizes.length < 1) {
      throw new IllegalArgumentException("at least one partition is needed");
    }
    if (partition < 0 || partition >= sizes.length) {
      throw new IndexOutOfBoundsException("partition " + partition + " not in [0, " + sizes.length + ")");
    }
    if (globalBatch < 1) {
      throw new IllegalArgumentException("globalBatch must be >= 1, got " + globalBatch);
    }
    long sum = 0;
    for (int p = 0; p < sizes.length; p++) {
      if (sizes[p] < 0) {
        throw new IllegalArgumentException("partition " + p + " has a negative size " + sizes[p]);
      }
      sum += sizes[p];
    }
    if (sum < 1) {
      throw new IllegalArgumentException("the partitions hold no sample at all");
    }
    this.partition = partition;
    this.sizes = sizes.clone();
    this.total = sum;
    this.globalBatch = globalBatch;
    this.steps = (int) ((sum + globalBatch - 1) / globalBatch);
    int n = Math.toIntExact(sizes[partition]);
    this.order = n == 0 ? new int[0] : ShardPlan.of(partitionSeed(seed, partition), epoch, n, n).order();
  }

  /**
   * The plan of rank {@code partition}, whose rows are the {@code sizes[partition]} rows it holds.
   *
   * @param sizes the training rows every partition holds, by partition id (= rank)
   */
  public static PartitionPlan of(long seed, int epoch, int partition, long[] sizes, int globalBatch) {
    return new PartitionPlan(seed, epoch, partition, sizes, globalBatch);
  }

  /** The shuffle seed of one partition: the job seed mixed with the partition id (the epoch is mixed in later). */
  public static long partitionSeed(long seed, int partition) {
    return ShardPlan.mix(seed ^ ShardPlan.mix(0xD1B54A32D192ED03L * (partition + 1L)));
  }

  /** Samples over all partitions. */
  public long totalSamples() {
    return total;
  }

  @Override
  public int steps() {
    return steps;
  }

  @Override
  public int stepSize(int step) {
    checkStep(step);
    long n = 0;
    for (int p = 0; p < sizes.length; p++) {
      n += consumed(p, step + 1) - consumed(p, step);
    }
    return (int) n;
  }

  /** Rows rank {@code p} trains at {@code step}. */
  public int localSize(int step, int p) {
    checkStep(step);
    return (int) (consumed(p, step + 1) - consumed(p, step));
  }

  /**
   * {@inheritDoc} The rows are always this plan's partition's: the rank a worker holds in the ring does not
   * matter (a re-formed ring may order the partitions' workers differently), only that the ring has one
   * worker per partition.
   */
  @Override
  public int indices(int step, int rank, int worldSize, int[] dst) {
    if (worldSize != sizes.length) {
      throw new IllegalArgumentException("this plan is partition " + partition + "'s of " + sizes.length
          + " partitions; asked for rank " + rank + " of " + worldSize
          + " (a partitioned job cannot change its number of ranks: every partition needs its worker)");
    }
    checkStep(step);
    int from = (int) consumed(partition, step);
    int to = (int) consumed(partition, step + 1);
    System.arraycopy(order, from, dst, 0, to - from);
    return to - from;
  }

  /** Rows of partition {@code p} used by steps {@code [0, step)}. */
  private long consumed(int p, int step) {
    long t = Math.min((long) step * globalBatch, total);
    // n_p * t fits a long for any realistic dataset (< 3e9 rows per partition and in total)
    return Math.multiplyExact(sizes[p], t) / total;
  }

  private void checkStep(int step) {
    if (step < 0 || step >= steps) {
      throw new IndexOutOfBoundsException("step " + step + " not in [0, " + steps + ")");
    }
  }

  @Override
  public String toString() {
    return "PartitionPlan{partition=" + partition + ", sizes=" + Arrays.toString(sizes) + ", batch=" + globalBatch
        + ", steps=" + steps + "}";
  }
}
