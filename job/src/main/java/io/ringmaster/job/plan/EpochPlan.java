package io.ringmaster.job.plan;

/**
 * Which samples each rank trains at each synchronous step of one epoch. Implementations: {@link ShardPlan}
 * (every rank holds the whole dataset; one global shuffle) and {@link PartitionPlan} (each rank holds only
 * its own partition, as a Spark task does; partition-local shuffles).
 *
 * <p>Contract: over the epoch's {@link #steps()} steps every sample a rank holds is returned exactly once,
 * and {@link #stepSize(int)} is the sum over all ranks of what {@link #indices(int, int, int, int[])}
 * returns at that step: the global batch the optimizer divides by.
 */
public interface EpochPlan {
  /** Synchronous steps in the epoch; the same on every rank. */
  int steps();

  /** Samples in step {@code step} over all ranks (the global batch of that step). */
  int stepSize(int step);

  /**
   * Writes into {@code dst} the indices (into the rank's own dataset) that rank {@code rank} of {@code
   * worldSize} trains at {@code step}; returns how many.
   */
  int indices(int step, int rank, int worldSize, int[] dst);
}
