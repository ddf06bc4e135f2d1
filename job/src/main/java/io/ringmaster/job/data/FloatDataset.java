package io.ringmaster.job.data;

import java.nio.FloatBuffer;
import java.util.Objects;

/** Features stored as floats, as read (CSV): copied out unchanged when gathered. */
public final class FloatDataset extends InMemoryDataset {
  private final float[] values;

  /**
   * @param values {@code labels.length * channels * height * width} floats, sample after sample
   * @param labels class id per sample, each in {@code [0, classes)}
   */
  public FloatDataset(int channels, int height, int width, int classes, float[] values, int[] labels) {
    super(channels, height, width, classes, labels, Objects.requireNonNull(values, "values").length, "values",
        "features");
    this.values = values;
  }

  @Override
  public void gather(int[] indices, int count, float[] dst, int offset) {
    checkRows(count, offset, dst.length);
    for (int k = 0; k < count; k++) {
      System.arraycopy(values, sampleOffset(indices[k]), dst, offset + k * features, features);
    }
  }

  @Override
  public void gather(int[] indices, int count, FloatBuffer dst, int offset) {
    checkRows(count, offset, dst.limit());
    for (int k = 0; k < count; k++) {
      dst.put(offset + k * features, values, sampleOffset(indices[k]), features);
    }
  }

  @Override
  public void gatherRange(int from, int count, FloatBuffer dst, int offset) {
    checkSamples(from, count);
    checkRows(count, offset, dst.limit());
    dst.put(offset, values, from * features, count * features);
  }
}
