package io.ringmaster.worker.engine;

/**
 * What one replica computed in one step, before the all-reduce.
 *
 * @param lossSum the loss summed over the local samples (not the mean; without regularisation terms);
 *     0 for an empty local batch
 * @param count local samples in the step, possibly 0
 * @param nonFinite null when the loss and the local gradient are finite; otherwise what was NaN or
 *     infinite, e.g. {@code "loss is NaN; gradient of layer 1 (DenseLayer) parameter W has 12 NaN and 0
 *     infinite values"}
 */
public record StepResult(double lossSum, int count, String nonFinite) {
  public static final StepResult EMPTY = new StepResult(0, 0, null);

  /** A step whose loss and gradient are finite. */
  public StepResult(double lossSum, int count) {
    this(lossSum, count, null);
  }

  /** True when {@link #nonFinite()} is null. */
  public boolean finite() {
    return nonFinite == null;
  }
}
