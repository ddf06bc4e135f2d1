package io.ringmaster.spark;

import io.ringmaster.proto.v1.EpochMetrics;
import java.util.Locale;

/**
 * The driver's per-epoch log lines, in the format of the {@code ringmaster} CLI's epoch line
 * ({@code Epoch 2/3  train loss 0.3849  test loss 0.4172  test acc 85.15%  12.3 s  4,870 samples/s  2 workers};
 * the cli module is not a dependency of this one, so the format is repeated here; {@code no test set} instead of
 * the test figures for a job without one, as the DL4J drop-in's), followed by what was
 * counted: {@code Epoch 2/3  samples 4,000 train / 1,000 test in 32 steps}.
 */
final class EpochLines {
  private static final Locale L = Locale.US;

  private EpochLines() {}

  static String metrics(EpochMetrics m, int totalEpochs) {
    return label(m.getEpoch(), totalEpochs)
        + "  train loss " + loss(m.getTrainLoss())
        + (m.getTestSamples() == 0 ? "  no test set" : "  test loss " + loss(m.getTestLoss())
            + "  test acc " + String.format(L, "%.2f%%", m.getTestAccuracy() * 100))
        + "  " + String.format(L, "%.1f s", m.getDurationS())
        + "  " + (Double.isFinite(m.getSamplesPerS()) && m.getSamplesPerS() > 0
            ? String.format(L, "%,.0f", m.getSamplesPerS()) : "-") + " samples/s"
        + "  " + m.getWorkers() + (m.getWorkers() == 1 ? " worker" : " workers");
  }

  static String counts(EpochMetrics m, int totalEpochs) {
    return label(m.getEpoch(), totalEpochs) + String.format(L, "  samples %,d train / %,d test in %,d steps",
        m.getSamples(), m.getTestSamples(), m.getSteps());
  }

  private static String label(int epoch, int totalEpochs) {
    int width = Integer.toString(Math.max(1, totalEpochs)).length();
    return String.format(L, "Epoch %" + width + "d/%d", epoch, totalEpochs);
  }

  private static String loss(double loss) {
    if (Double.isNaN(loss)) {
      return "nan";
    }
    if (Double.isInfinite(loss)) {
      return loss > 0 ? "inf" : "-inf";
    }
    return String.format(L, "%.4f", loss);
  }
}
