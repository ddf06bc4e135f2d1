package io.ringmaster.worker.engine;

/**
 * Evaluation sums over some samples; sums from several ranks or ranges add up with {@link #plus}.
 *
 * @param lossSum loss summed over the samples (no regularisation terms)
 * @param correct samples whose highest-scoring class is their label
 * @param count samples evaluated
 */
public record EvalResult(double lossSum, long correct, long count) {
  public static final EvalResult EMPTY = new EvalResult(0, 0, 0);

  public EvalResult plus(EvalResult o) {
    return new EvalResult(lossSum + o.lossSum, correct + o.correct, count + o.count);
  }

  /** Fraction classified correctly; NaN when empty. */
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  /** Mean loss per sample; NaN when empty. */
  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }
}
