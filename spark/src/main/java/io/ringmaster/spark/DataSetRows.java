package io.ringmaster.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J {@code DataSet}s as a task's training (and test) rows (the drop-in, {@link RingmasterTrainingMaster}): each
 * example's features flattened in row-major ('c') order, as {@code [n, features]} or {@code [n, channels,
 * height, width]} lay them out, and its one-hot label turned into a class index. Examples keep the order
 * of the partition's DataSets, and of the examples within each.
 *
 * <p>One pass per partition ({@link #block}): the DataSets' shapes are checked and merged first (cheap: no
 * values read), then every example is copied once, straight into the exactly sized arrays the worker's
 * dataset uses as they are ({@link PartitionRows#ofTraining}); the labels are checked to be one-hot in the
 * same pass that turns them into class indices.
 */
final class DataSetRows {
  private DataSetRows() {}

  /** The reader the barrier stage ships to the executors: DataSets converted in the task itself. */
  static PartitionReader<DataSet> reader(int features) {
    return dataSets -> read(dataSets, features);
  }

  /**
   * The reader of partitions already converted ({@link #block}, one block per partition, usually cached by
   * {@link ConvertedRows}): the block's arrays become the task's rows without a copy.
   */
  static PartitionReader<DataSetBlock> blockReader(int features) {
    return blocks -> rows(blocks, features);
  }

  /** Every example of {@code dataSets} as a training row of {@code features} values. */
  static PartitionRows read(Iterator<DataSet> dataSets, int features) {
    return rows(List.of(block(dataSets)).iterator(), features);
  }

  private static PartitionRows rows(Iterator<DataSetBlock> blocks, int features) {
    if (!blocks.hasNext()) {
      return PartitionRows.ofTraining(features, new float[0], new int[0]);
    }
    DataSetBlock b = blocks.next();
    if (blocks.hasNext()) {
      throw new IllegalStateException("a partition holds more than one converted block (a bug: one per partition)");
    }
    check(b.shape(), b.labels().length, features, "");
    check(b.testShape(), b.testLabels().length, features, "test ");
    return PartitionRows.of(features, b.values(), b.labels(), b.testValues(), b.testLabels());
  }

  private static void check(DataSetShape shape, int rows, int features, String whose) {
    try {
      shape.toInfoOrEmpty();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(whose.isEmpty() ? e.getMessage() : "the " + whose + "DataSets (Builder.testData): "
          + e.getMessage(), e);
    }
    if (rows > 0 && shape.features() != features) {
      throw new IllegalArgumentException("a " + whose + "DataSet's examples have " + shape.features() + " values, not "
          + features + " (every example must have the same feature layout)");
    }
  }

  /**
   * One worker's partition of the training DataSets and its partition of the test DataSets converted: the
   * training part as {@link #block(Iterator)}, the test part likewise as the block's test rows.
   */
  static DataSetBlock block(Iterator<DataSet> train, Iterator<DataSet> test) {
    return block(train).withTest(block(test));
  }

  /**
   * One partition's DataSets converted: their merged shape (or the first problem, then no rows) and every
   * example's features and class index, in order.
   */
  static DataSetBlock block(Iterator<DataSet> dataSets) {
    List<DataSet> nonEmpty = new ArrayList<>();
    DataSetShape shape = DataSetShape.NONE;
    while (dataSets.hasNext()) {
      DataSet ds = dataSets.next();
      DataSetShape s = DataSetShape.layoutOf(ds);
      shape = shape.merge(s);
      if (shape.problem() != null) {
        return DataSetBlock.problem(shape);
      }
      if (s.examples() > 0) {
        nonEmpty.add(ds);
      }
    }
    int features = shape.features();
    if (shape.examples() * features > Integer.MAX_VALUE - 16) {
      return DataSetBlock.problem(DataSetShape.problem("one partition holds " + shape.examples() + " examples of "
          + features + " values, more than one Java array holds; use more workers (partitions)"));
    }
    float[] values = new float[(int) (shape.examples() * features)];
    int[] labels = new int[(int) shape.examples()];
    int row = 0;
    for (DataSet ds : nonEmpty) {
      float[] x = flat(ds.getFeatures());
      System.arraycopy(x, 0, values, row * features, x.length);
      String problem = classIndices(flat(ds.getLabels()), shape.classes(), labels, row);
      if (problem != null) {
        return DataSetBlock.problem(DataSetShape.problem(problem));
      }
      row += (int) ds.getFeatures().size(0);
    }
    return new DataSetBlock(shape, values, labels);
  }

  /** The values of {@code a} as floats in row-major order: its own buffer when it is one, else one copy. */
  static float[] flat(INDArray a) {
    INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    boolean plain = f.ordering() == 'c' && f.offset() == 0 && Shape.hasDefaultStridesForShape(f)
        && f.data().length() == f.length();
    return (plain ? f : f.dup('c')).data().asFloat();
  }

  /**
   * Writes the class index of each row of one-hot labels ({@code y}: rows of {@code classes}, row-major) into
   * {@code out} from {@code offset}.
   *
   * @return null when every row is one-hot (one 1, all else 0), else what is wrong
   */
  static String classIndices(float[] y, int classes, int[] out, int offset) {
    int rows = y.length / classes;
    for (int i = 0; i < rows; i++) {
      int ones = 0;
      int at = -1;
      for (int c = 0; c < classes; c++) {
        float v = y[i * classes + c];
        if (v == 1f) {
          ones++;
          at = c;
        } else if (v != 0f) {
          return "label row " + i + " of a DataSet holds " + v + ": Ringmaster trains classifiers on one-hot"
              + " labels (one 1 per row, all else 0); regression targets are not supported";
        }
      }
      if (ones != 1) {
        return "label row " + i + " of a DataSet has " + ones + " ones: labels must be one-hot (exactly one class per"
            + " example)";
      }
      out[offset + i] = at;
    }
    return null;
  }

  /** Null when every row of {@code labels} ({@code [n, classes]}) is one-hot; else what is wrong. */
  static String checkOneHot(INDArray labels) {
    return classIndices(flat(labels), (int) labels.size(1), new int[(int) labels.size(0)], 0);
  }
}
