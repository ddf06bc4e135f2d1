package io.ringmaster.job.data;

import java.nio.FloatBuffer;
import java.util.Objects;

/** Features stored as floats, as read (CSV): copied out unchanged when gathered. */
public final class FloatDataset implements Dataset {
  private final DatasetInfo info;
  private final float[] values;
  private final int[] labels;
  private final int features;

  /**
   * @param values {@code labels.length * channels * height * width} floats, sample after sample
   * @param labels class id per sample, each in {@code [0, classes)}
   */
  public FloatDataset(int channels, int height, int width, int classes, float[] values, int[] labels) {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(labels, "labels");
    this.info = new DatasetInfo(labels.length, channels, height, width, classes);
    this.features = info.features();
    if ((long) labels.length * features != values.length) {
      throw new IllegalArgumentException(values.length + " values do not hold " + labels.length
          + " samples of " + features + " features");
    }
    Labels.check(labels, classes);
    this.values = values;
    this.labels = labels;
  }

  @Override
  public DatasetInfo info() {
    return info;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void gather(int[] indices, int count, float[] dst, int offset) {
    Objects.checkFromIndexSize(offset, count * features, dst.length);
    for (int k = 0; k < count; k++) {
      System.arraycopy(values, sampleOffset(indices[k]), dst, offset + k * features, features);
    }
  }

  @Override
  public void gather(int[] indices, int count, FloatBuffer dst, int offset) {
    Objects.checkFromIndexSize(offset, count * features, dst.limit());
    for (int k = 0; k < count; k++) {
      dst.put(offset + k * features, values, sampleOffset(indices[k]), features);
    }
  }

  @Override
  public void gatherRange(int from, int count, FloatBuffer dst, int offset) {
    Objects.checkFromIndexSize(from, count, labels.length);
    Objects.checkFromIndexSize(offset, count * features, dst.limit());
    dst.put(offset, values, from * features, count * features);
  }

  private int sampleOffset(int sample) {
    Objects.checkIndex(sample, labels.length);
    return sample * features;
  }
}
