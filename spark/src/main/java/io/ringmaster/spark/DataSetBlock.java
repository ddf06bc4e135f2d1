package io.ringmaster.spark;

import java.io.Serializable;

/**
 * One partition's DataSets converted into training rows ({@link DataSetRows#block}): the element of the
 * one-element partitions of the RDD {@link ConvertedRows} caches, so later {@code fit}s on the same RDD hand
 * the arrays to their workers without reading a DataSet again. The arrays are never written after the
 * conversion: the workers' datasets read them in place ({@code FloatDataset}), fit after fit.
 *
 * @param shape the partition's merged shape, or the first reason it cannot be trained (then no rows)
 * @param values every example's features, row-major, example after example
 * @param labels every example's class index
 */
record DataSetBlock(DataSetShape shape, float[] values, int[] labels) implements Serializable {
  private static final long serialVersionUID = 1L;

  static DataSetBlock problem(DataSetShape problem) {
    return new DataSetBlock(problem, new float[0], new int[0]);
  }

  /** Bytes the arrays hold (what caching the block costs). */
  long bytes() {
    return 4L * values.length + 4L * labels.length;
  }
}
