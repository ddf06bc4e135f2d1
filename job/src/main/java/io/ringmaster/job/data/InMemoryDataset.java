package io.ringmaster.job.data;

import java.util.Objects;

/**
 * What the in-memory datasets share: the shape, the labels, and the bounds checks every gather makes. The
 * subclasses only say how a sample's features are stored and turned into floats.
 */
abstract sealed class InMemoryDataset implements Dataset permits ByteImageDataset, FloatDataset {
  private final DatasetInfo info;
  private final int[] labels;
  /** Values per sample (channels x height x width). */
  final int features;

  /**
   * @param stored length of the subclass's feature array, which must hold {@code labels.length} samples
   * @param storedWhat what that array holds, for the error message ("pixel bytes", "values")
   * @param unit what one sample is made of, for the error message ("bytes", "features")
   */
  InMemoryDataset(int channels, int height, int width, int classes, int[] labels, int stored, String storedWhat,
      String unit) {
    Objects.requireNonNull(labels, "labels");
    this.info = new DatasetInfo(labels.length, channels, height, width, classes);
    this.features = info.features();
    if ((long) labels.length * features != stored) {
      throw new IllegalArgumentException(stored + " " + storedWhat + " do not hold " + labels.length
          + " samples of " + features + " " + unit);
    }
    Labels.check(labels, classes);
    this.labels = labels;
  }

  @Override
  public final DatasetInfo info() {
    return info;
  }

  @Override
  public final int label(int i) {
    return labels[i];
  }

  /** Where sample {@code sample}'s features start in the stored array; checks that it is a sample. */
  final int sampleOffset(int sample) {
    Objects.checkIndex(sample, labels.length);
    return sample * features;
  }

  /** Checks that {@code count} rows fit into a destination of {@code length} values from {@code offset}. */
  final void checkRows(int count, int offset, int length) {
    Objects.checkFromIndexSize(offset, count * features, length);
  }

  /** Checks that {@code [from, from + count)} are samples. */
  final void checkSamples(int from, int count) {
    Objects.checkFromIndexSize(from, count, labels.length);
  }
}
