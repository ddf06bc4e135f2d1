package io.ringmaster.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One partition's rows read into flat arrays: the training and the test rows apart. From {@code spark-submit}'s
 * DataFrame ({@link #read}) rows have the normalised schema of {@link TrainingFrames}: an integer label, an
 * array of float features, the split tag (the union the driver repartitions tags each row with {@link
 * TrainingFrames#SPLIT}); the DL4J drop-in appends rows itself ({@link #empty}, {@link #add(boolean, int,
 * float[], int)}, see {@link DataSetRows}).
 */
final class PartitionRows {
  private final int features;
  private final FloatList trainValues;
  private final FloatList testValues;
  private int[] trainLabels;
  private int[] testLabels;
  private int trainCount;
  private int testCount;

  private PartitionRows(int features) {
    this.features = features;
    this.trainValues = new FloatList();
    this.trainLabels = new int[1024];
    this.testValues = new FloatList();
    this.testLabels = new int[1024];
  }

  private PartitionRows(int features, float[] trainValues, int[] trainLabels, float[] testValues, int[] testLabels) {
    check(features, trainValues, trainLabels, "training");
    check(features, testValues, testLabels, "test");
    this.features = features;
    this.trainValues = new FloatList(trainValues);
    this.trainLabels = trainLabels;
    this.trainCount = trainLabels.length;
    this.testValues = new FloatList(testValues);
    this.testLabels = testLabels;
    this.testCount = testLabels.length;
  }

  private static void check(int features, float[] values, int[] labels, String what) {
    if (values.length != (long) labels.length * features) {
      throw new IllegalArgumentException(labels.length + " " + what + " rows of " + features + " features need "
          + (long) labels.length * features + " values, got " + values.length);
    }
  }

  /** Reads every row of {@code rows}; each must have {@code features} features. */
  static PartitionRows read(Iterator<Row> rows, int features) {
    PartitionRows out = new PartitionRows(features);
    while (rows.hasNext()) {
      out.add(rows.next());
    }
    return out;
  }

  /**
   * Training rows already converted (the DL4J drop-in, {@link DataSetRows}), no test rows: the arrays are
   * used as they are, not copied ({@link #trainFeatures()} and {@link #trainLabels()} return them), so they
   * must not be changed afterwards.
   */
  static PartitionRows ofTraining(int features, float[] values, int[] labels) {
    return new PartitionRows(features, values, labels, new float[0], new int[0]);
  }

  /**
   * Training and test rows already converted (the DL4J drop-in with a test set, {@link DataSetRows}): the
   * arrays are used as they are, not copied, as by {@link #ofTraining}.
   */
  static PartitionRows of(int features, float[] values, int[] labels, float[] testValues, int[] testLabels) {
    return new PartitionRows(features, values, labels, testValues, testLabels);
  }

  /** No rows yet; {@link #add(boolean, int, float[], int)} appends them. */
  static PartitionRows empty(int features) {
    return new PartitionRows(features);
  }

  /**
   * Appends one row: its label and the {@link #features()} values of {@code values} from {@code offset}.
   *
   * @param test a test row (else a training row)
   */
  void add(boolean test, int label, float[] values, int offset) {
    (test ? testValues : trainValues).addAll(values, offset, features);
    addLabel(test, label);
  }

  private void add(Row row) {
    int label = row.getInt(0);
    List<Object> values = row.getList(1);
    if (values.size() != features) {
      throw new IllegalArgumentException("a row has " + values.size() + " features, expected " + features
          + " (every row of the training and test data must have as many)");
    }
    boolean test = row.getInt(2) == TrainingFrames.TEST;
    FloatList dst = test ? testValues : trainValues;
    for (Object v : values) {
      dst.add(v == null ? 0f : ((Number) v).floatValue());
    }
    addLabel(test, label);
  }

  private void addLabel(boolean test, int label) {
    if (test) {
      testLabels = grow(testLabels, testCount);
      testLabels[testCount++] = label;
    } else {
      trainLabels = grow(trainLabels, trainCount);
      trainLabels[trainCount++] = label;
    }
  }

  private static int[] grow(int[] a, int used) {
    return used < a.length ? a : Arrays.copyOf(a, Math.max(16, a.length * 2));
  }

  int features() {
    return features;
  }

  int trainCount() {
    return trainCount;
  }

  int testCount() {
    return testCount;
  }

  /** The training rows' features, row after row (the array itself when it is exactly that long). */
  float[] trainFeatures() {
    return trainValues.toArray();
  }

  /** The training rows' labels (the array itself when it is exactly that long). */
  int[] trainLabels() {
    return trainCount == trainLabels.length ? trainLabels : Arrays.copyOf(trainLabels, trainCount);
  }

  /** The test rows' features, row after row (the array itself when it is exactly that long). */
  float[] testFeatures() {
    return testValues.toArray();
  }

  /** The test rows' labels (the array itself when it is exactly that long). */
  int[] testLabels() {
    return testCount == testLabels.length ? testLabels : Arrays.copyOf(testLabels, testCount);
  }

  /** A growable float array. */
  private static final class FloatList {
    private float[] a;
    private int n;

    FloatList() {
      a = new float[1 << 12];
    }

    /** All of {@code values}, not copied. */
    FloatList(float[] values) {
      a = values;
      n = values.length;
    }

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, Math.max(16, a.length * 2));
      }
      a[n++] = v;
    }

    void addAll(float[] values, int offset, int count) {
      if (n + count > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + count));
      }
      System.arraycopy(values, offset, a, n, count);
      n += count;
    }

    /** The values: the array itself when it holds exactly them, else a copy. */
    float[] toArray() {
      return n == a.length ? a : Arrays.copyOf(a, n);
    }
  }
}
