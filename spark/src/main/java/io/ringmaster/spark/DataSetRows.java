package io.ringmaster.spark;

import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J {@code DataSet}s as a task's training rows (the drop-in, {@link RingmasterTrainingMaster}): each
 * example's features flattened in row-major ('c') order, as {@code [n, features]} or {@code [n, channels,
 * height, width]} lay them out, and its one-hot label turned into a class index. Examples keep the order
 * of the partition's DataSets, and of the examples within each.
 */
final class DataSetRows {
  private DataSetRows() {}

  /** The reader the barrier stage ships to the executors. */
  static PartitionReader<DataSet> reader(int features) {
    return dataSets -> read(dataSets, features);
  }

  /** Every example of {@code dataSets} as a training row of {@code features} values. */
  static PartitionRows read(Iterator<DataSet> dataSets, int features) {
    PartitionRows rows = PartitionRows.empty(features);
    while (dataSets.hasNext()) {
      add(rows, dataSets.next(), false);
    }
    return rows;
  }

  /** Appends every example of {@code ds} to {@code rows}, as test rows if {@code test}, else as training rows. */
  static void add(PartitionRows rows, DataSet ds, boolean test) {
    int features = rows.features();
    INDArray f = ds.getFeatures();
    if (f == null || f.size(0) == 0) {
      return;
    }
    int n = (int) f.size(0);
    if (f.length() != (long) n * features) {
      throw new IllegalArgumentException("a DataSet's features have shape " + java.util.Arrays.toString(f.shape())
          + ", not " + features + " values per example");
    }
    float[] values = f.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int[] labels = classIndices(ds.getLabels());
    for (int i = 0; i < n; i++) {
      rows.add(test, labels[i], values, i * features);
    }
  }

  /**
   * The class index of each row of one-hot labels {@code [n, classes]}.
   *
   * @throws IllegalArgumentException if a row is not one-hot
   */
  static int[] classIndices(INDArray labels) {
    float[][] y = labels.castTo(DataType.FLOAT).toFloatMatrix();
    String problem = checkOneHot(y);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    int[] out = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      for (int c = 0; c < y[i].length; c++) {
        if (y[i][c] == 1f) {
          out[i] = c;
          break;
        }
      }
    }
    return out;
  }

  /** Null when every row of {@code labels} is one-hot (one 1, all else 0); else what is wrong. */
  static String checkOneHot(INDArray labels) {
    return checkOneHot(labels.castTo(DataType.FLOAT).toFloatMatrix());
  }

  private static String checkOneHot(float[][] y) {
    for (int i = 0; i < y.length; i++) {
      int ones = 0;
      for (float v : y[i]) {
        if (v == 1f) {
          ones++;
        } else if (v != 0f) {
          return "label row " + i + " of a DataSet holds " + v + ": Ringmaster trains classifiers on one-hot"
              + " labels (one 1 per row, all else 0); regression targets are not supported";
        }
      }
      if (ones != 1) {
        return "label row " + i + " of a DataSet has " + ones + " ones: labels must be one-hot (exactly one class per"
            + " example)";
      }
    }
    return null;
  }
}
