package io.ringmaster.worker.engine;

/**
 * What one replica computed in one step.
 *
 * @param lossSum the loss summed over the local samples (not the mean; without regularisation terms);
 *     0 for an empty local batch
 * @param count local samples in the step, possibly 0
 */
public record StepResult(double lossSum, int count) {
  public static final StepResult EMPTY = new StepResult(0, 0);
}
