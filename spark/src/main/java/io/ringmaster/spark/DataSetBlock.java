package io.ringmaster.spark;

import java.io.Serializable;

/**
 * One worker's partition converted into rows ({@link DataSetRows#block}): its training rows and, with a test
 * set ({@link RingmasterTrainingMaster.Builder#testData}), its share of the test rows. The element of the
 * one-element partitions of the RDD {@link ConvertedRows} caches, so later {@code fit}s on the same RDDs hand
 * the arrays to their workers without reading a DataSet again. The arrays are never written after the
 * conversion: the workers' datasets read them in place ({@code FloatDataset}), fit after fit.
 *
 * @param shape the training part's merged shape, or the first reason it cannot be trained (then no rows)
 * @param values every training example's features, row-major, example after example
 * @param labels every training example's class index
 * @param testShape the test part's merged shape, or the first reason it cannot be evaluated (then no test
 *     rows); {@link DataSetShape#NONE} without a test set
 * @param testValues every test example's features, as {@code values}
 * @param testLabels every test example's class index
 */
record DataSetBlock(DataSetShape shape, float[] values, int[] labels, DataSetShape testShape, float[] testValues,
    int[] testLabels) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Training rows only. */
  DataSetBlock(DataSetShape shape, float[] values, int[] labels) {
    this(shape, values, labels, DataSetShape.NONE, new float[0], new int[0]);
  }

  static DataSetBlock problem(DataSetShape problem) {
    return new DataSetBlock(problem, new float[0], new int[0]);
  }

  /** This block's training part with {@code test}'s training part as its test rows. */
  DataSetBlock withTest(DataSetBlock test) {
    return new DataSetBlock(shape, values, labels, test.shape, test.values, test.labels);
  }

  /** Bytes the arrays hold (what caching the block costs). */
  long bytes() {
    return 4L * values.length + 4L * labels.length + 4L * testValues.length + 4L * testLabels.length;
  }
}
