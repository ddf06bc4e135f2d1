package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What the DL4J drop-in learns about a {@code JavaRDD<DataSet>} before it trains on it, in one Spark job
 * ({@code rdd.map(DataSetShape::of).reduce(DataSetShape::merge)}): how many examples, the per-example
 * feature layout and the number of classes, or the first reason Ringmaster cannot train on it. Problems are
 * carried, not thrown, so the driver can report them in plain words instead of a task failure.
 *
 * <p>Ringmaster trains classifiers: features {@code [n, features]} or {@code [n, channels, height, width]},
 * one-hot labels {@code [n, classes]}, no masks.
 *
 * @param examples examples over all DataSets seen
 * @param channels,height,width per-example feature layout ({@code 1 x 1 x features} for flat rows); 0 when
 *     no example was seen
 * @param classes width of the one-hot labels
 * @param problem the first reason the data cannot be used, or null
 */
record DataSetShape(long examples, int channels, int height, int width, int classes, String problem)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  static final DataSetShape NONE = new DataSetShape(0, 0, 0, 0, 0, null);

  /** The shape of one DataSet, checking that its labels are one-hot. */
  static DataSetShape of(DataSet ds) {
    DataSetShape layout = layoutOf(ds);
    if (layout.problem != null || layout.examples == 0) {
      return layout;
    }
    String oneHot = DataSetRows.checkOneHot(ds.getLabels());
    return oneHot != null ? problem(oneHot) : layout;
  }

  /**
   * The shape of one DataSet from its arrays' shapes alone (the label values are not read: {@link
   * DataSetRows#block} checks them while converting).
   */
  static DataSetShape layoutOf(DataSet ds) {
    INDArray f = ds.getFeatures();
    INDArray y = ds.getLabels();
    if (f == null || y == null) {
      return problem("a DataSet has no " + (f == null ? "features" : "labels"));
    }
    long n = f.size(0);
    if (n == 0) {
      return NONE;
    }
    if (ds.getFeaturesMaskArray() != null || ds.getLabelsMaskArray() != null) {
      return problem("a DataSet has a features or labels mask; Ringmaster trains on unmasked examples only");
    }
    if (y.rank() != 2 || y.size(0) != n) {
      return problem("labels of shape " + Arrays.toString(y.shape()) + " for " + n + " examples: Ringmaster trains"
          + " classifiers on one-hot labels of shape [examples, classes]");
    }
    int c;
    int h;
    int w;
    if (f.rank() == 2) {
      c = 1;
      h = 1;
      w = (int) f.size(1);
    } else if (f.rank() == 4) {
      c = (int) f.size(1);
      h = (int) f.size(2);
      w = (int) f.size(3);
    } else {
      return problem("features of shape " + Arrays.toString(f.shape()) + ": Ringmaster takes [examples, features]"
          + " or [examples, channels, height, width] (time series of rank 3 are not supported)");
    }
    return new DataSetShape(n, c, h, w, (int) y.size(1), null);
  }

  static DataSetShape problem(String why) {
    return new DataSetShape(0, 0, 0, 0, 0, why);
  }

  /** Both together; the first problem wins, and DataSets that differ in layout or classes are one. */
  DataSetShape merge(DataSetShape o) {
    if (problem != null) {
      return this;
    }
    if (o.problem != null) {
      return o;
    }
    if (examples == 0) {
      return o;
    }
    if (o.examples == 0) {
      return this;
    }
    if (channels != o.channels || height != o.height || width != o.width || classes != o.classes) {
      return problem("DataSets differ in shape: " + layout() + " with " + classes + " classes and " + o.layout()
          + " with " + o.classes + " classes; every example must have the same feature layout and label width");
    }
    return new DataSetShape(examples + o.examples, channels, height, width, classes, null);
  }

  int features() {
    return channels * height * width;
  }

  /**
   * The training set's shape for the coordinator.
   *
   * @throws IllegalArgumentException with the problem, or when there is no example
   */
  DatasetInfo toInfo() {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (examples == 0) {
      throw new IllegalArgumentException("the RDD holds no examples");
    }
    return new DatasetInfo(examples, channels, height, width, classes);
  }

  /**
   * Throws the problem, if any, as {@link #toInfo} does; an empty shape (a partition without examples) is fine.
   */
  void toInfoOrEmpty() {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private String layout() {
    return channels + "x" + height + "x" + width;
  }
}
