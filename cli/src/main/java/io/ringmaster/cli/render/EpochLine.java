package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.EpochMetrics;

/**
 * One finished epoch on one line:
 * {@code Epoch 2/3  train loss 0.3849  test loss 0.4172  test acc 85.15%  12.3 s  4,870 samples/s  2 workers}.
 */
public final class EpochLine {
  private EpochLine() {}

  /**
   * @param totalEpochs the job's number of epochs; 0 when unknown (then just {@code Epoch 2})
   */
  public static String format(EpochMetrics m, int totalEpochs) {
    return epochLabel(m.getEpoch(), totalEpochs)
        + "  train loss " + Fmt.loss(m.getTrainLoss())
        + "  test loss " + Fmt.loss(m.getTestLoss())
        + "  test acc " + Fmt.percent(m.getTestAccuracy())
        + "  " + Fmt.seconds(m.getDurationS())
        + "  " + Fmt.rate(m.getSamplesPerS()) + " samples/s"
        + "  " + Fmt.plural(m.getWorkers(), "worker");
  }

  /** {@code Epoch 2/3}; the number is padded to the width of the total so that columns line up. */
  static String epochLabel(int epoch, int totalEpochs) {
    if (totalEpochs <= 0) {
      return "Epoch " + epoch;
    }
    int width = Integer.toString(totalEpochs).length();
    return String.format("Epoch %" + width + "d/%d", epoch, totalEpochs);
  }
}
