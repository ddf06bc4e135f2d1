package io.ringmaster.worker.engine;

/**
 * A step's counters summed over every rank that took part in the all-reduce, read from the aux slots of
 * {@link Replica#reduceBuffer()} by {@link Replica#reduced()}.
 *
 * @param lossSum the global loss sum (NaN or infinite if some rank's loss was)
 * @param samples the global sample count: the batch size to pass to {@link Replica#applyGradient}
 * @param nonFiniteRanks ranks whose loss or gradient had NaN or infinite values this step
 */
public record ReducedStep(double lossSum, long samples, int nonFiniteRanks) {
  /** True when no rank reported NaN or infinite values. */
  public boolean allFinite() {
    return nonFiniteRanks == 0;
  }

  /** Mean loss per sample; NaN when no samples took part. */
  public double meanLoss() {
    return samples == 0 ? Double.NaN : lossSum / samples;
  }
}
