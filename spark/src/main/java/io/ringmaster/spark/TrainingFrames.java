package io.ringmaster.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;

import io.ringmaster.job.data.DatasetInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads the training and test sets as DataFrames and brings them to one schema the tasks read ({@code
 * label} int, {@code features} array of float, {@link #SPLIT} int), then unions them and repartitions the
 * union into one partition per worker.
 *
 * <p>Accepted inputs: Parquet or CSV (with a header) with a label column and either one array column
 * named {@code features} or one numeric column per feature (every column but the label, in order); LIBSVM
 * through Spark's {@code libsvm} source (needs spark-mllib on the cluster, as Spark distributions have).
 * IDX image/label file pairs, read by the driver ({@link #idx}).
 */
final class TrainingFrames {
  static final String LABEL = "label";
  static final String FEATURES = "features";
  static final String SPLIT = "__ringmaster_split";
  static final int TRAIN = 0;
  static final int TEST = 1;

  /** The shapes of both sets, counted by Spark. */
  record Shapes(DatasetInfo train, DatasetInfo test) {
    /** The same counts with an image layout (IDX images: 1 x 28 x 28 rather than 1 x 1 x 784). */
    Shapes withLayout(int[] chw) {
      if (chw == null) {
        return this;
      }
      if (chw[0] * chw[1] * chw[2] != train.features()) {
        throw new IllegalArgumentException("images of " + chw[0] + "x" + chw[1] + "x" + chw[2] + " but rows of "
            + train.features() + " features");
      }
      return new Shapes(new DatasetInfo(train.samples(), chw[0], chw[1], chw[2], train.classes()),
          new DatasetInfo(test.samples(), chw[0], chw[1], chw[2], test.classes()));
    }
  }

  private TrainingFrames() {}

  /** Reads one dataset and normalises its schema. */
  static Dataset<Row> read(SparkSession spark, DataSource source) {
    String path = source.path();
    Dataset<Row> raw = switch (source.format()) {
      case "parquet" -> spark.read().parquet(path);
      case "csv" -> spark.read().option("header", true).option("inferSchema", true).csv(path);
      case "libsvm" -> spark.read().format("libsvm").load(path);
      case "idx" -> idx(spark, source);
      default -> throw new IllegalArgumentException("--format " + source.format() + " is not one of "
          + DataSource.FORMATS);
    };
    return source.format().equals("idx") ? raw : normalise(raw, source.labelColumn(), path);
  }

  /**
   * IDX files are not a Spark data source: the driver reads them (they must be visible to it, as {@code
   * ringmaster run}'s are to its workers), pixels scaled to [0, 1] as the core does, and Spark distributes the
   * rows. Fine for the MNIST-sized sets the format is used for.
   */
  private static Dataset<Row> idx(SparkSession spark, DataSource source) {
    io.ringmaster.job.data.Dataset d;
    try {
      d = io.ringmaster.job.data.IdxReader.read(source.path(), source.labelsPath());
    } catch (io.ringmaster.job.data.DatasetException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    java.util.List<Row> rows = new java.util.ArrayList<>(d.size());
    int[] one = new int[1];
    for (int i = 0; i < d.size(); i++) {
      float[] x = new float[d.features()];
      one[0] = i;
      d.gather(one, 1, x, 0);
      rows.add(org.apache.spark.sql.RowFactory.create(d.label(i), x));
    }
    return spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add(LABEL, DataTypes.IntegerType, false)
        .add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false));
  }

  /** The image layout of an IDX dataset (channels, height, width), or null for any other format. */
  static int[] layout(DataSource source) {
    if (!source.format().equals("idx")) {
      return null;
    }
    try {
      var info = io.ringmaster.job.data.IdxReader.probe(source.path(), source.labelsPath());
      return new int[] {info.channels(), info.height(), info.width()};
    } catch (io.ringmaster.job.data.DatasetException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@code label} (int), {@code features} (array of float) from {@code raw}'s columns. */
  static Dataset<Row> normalise(Dataset<Row> raw, String labelColumn, String where) {
    List<String> names = Arrays.asList(raw.columns());
    if (!names.contains(labelColumn)) {
      throw new IllegalArgumentException(where + " has no label column '" + labelColumn + "' (columns: " + names
          + "): name it with --label-column");
    }
    Column features;
    StructField f = names.contains(FEATURES) ? raw.schema().apply(FEATURES) : null;
    if (f != null && f.dataType() instanceof ArrayType) {
      features = col(FEATURES).cast(DataTypes.createArrayType(DataTypes.FloatType));
    } else if (f != null && f.dataType().typeName().equals("vector")) {
      features = vectorToArray(col(FEATURES));
    } else {
      List<Column> numeric = new ArrayList<>();
      for (StructField field : raw.schema().fields()) {
        if (field.name().equals(labelColumn)) {
          continue;
        }
        if (!(field.dataType() instanceof NumericType)) {
          throw new IllegalArgumentException(where + ": column '" + field.name() + "' is " + field.dataType().simpleString()
              + "; features must be numeric columns or one array column named '" + FEATURES + "'");
        }
        numeric.add(col(field.name()).cast(DataTypes.FloatType));
      }
      if (numeric.isEmpty()) {
        throw new IllegalArgumentException(where + " has no feature columns besides '" + labelColumn + "'");
      }
      features = array(numeric.toArray(Column[]::new));
    }
    return raw.select(col(labelColumn).cast(DataTypes.IntegerType).as(LABEL), features.as(FEATURES));
  }

  /** Spark ML's {@code vector_to_array}, looked up at run time: spark-mllib is not a build dependency. */
  private static Column vectorToArray(Column c) {
    try {
      Class<?> functions = Class.forName("org.apache.spark.ml.functions");
      return (Column) functions.getMethod("vector_to_array", Column.class, String.class).invoke(null, c, "float32");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("a vector column needs spark-mllib on the classpath (org.apache.spark.ml.functions): "
          + e, e);
    }
  }

  /** Reads a partition of the normalised, tagged rows ({@link #union}) into a task's rows. */
  static PartitionReader<Row> reader(int features) {
    return rows -> PartitionRows.read(rows, features);
  }

  /** Both sets tagged with {@link #SPLIT}, in one DataFrame. */
  static Dataset<Row> union(Dataset<Row> train, Dataset<Row> test) {
    return train.withColumn(SPLIT, lit(TRAIN)).unionByName(test.withColumn(SPLIT, lit(TEST)));
  }

  /**
   * Counts both sets, their classes (largest label + 1 over both) and features in one Spark job; fails
   * when rows differ in their number of features or a label is negative or missing.
   */
  static Shapes shapes(Dataset<Row> union) {
    List<Row> rows = union.groupBy(col(SPLIT)).agg(count(lit(1)), min(col(LABEL)), max(col(LABEL)),
        min(size(col(FEATURES))), max(size(col(FEATURES))), count(col(LABEL))).collectAsList();
    long[] n = new long[2];
    int minLabel = Integer.MAX_VALUE;
    int maxLabel = -1;
    int minFeatures = Integer.MAX_VALUE;
    int maxFeatures = -1;
    for (Row r : rows) {
      int split = r.getInt(0);
      n[split] = r.getLong(1);
      if (r.getLong(6) != r.getLong(1)) {
        throw new IllegalArgumentException((split == TRAIN ? "training" : "test") + " data has "
            + (r.getLong(1) - r.getLong(6)) + " row(s) without a label (or with one that is not a number)");
      }
      minLabel = Math.min(minLabel, r.getInt(2));
      maxLabel = Math.max(maxLabel, r.getInt(3));
      minFeatures = Math.min(minFeatures, r.getInt(4));
      maxFeatures = Math.max(maxFeatures, r.getInt(5));
    }
    if (n[TRAIN] == 0 || n[TEST] == 0) {
      throw new IllegalArgumentException("the " + (n[TRAIN] == 0 ? "training" : "test") + " data has no rows");
    }
    if (minLabel < 0) {
      throw new IllegalArgumentException("labels must be class indices >= 0, found " + minLabel);
    }
    if (minFeatures != maxFeatures || minFeatures < 1) {
      throw new IllegalArgumentException("every row must have the same number of features (>= 1); found from "
          + minFeatures + " to " + maxFeatures);
    }
    int classes = Math.max(2, maxLabel + 1);
    return new Shapes(new DatasetInfo(n[TRAIN], 1, 1, minFeatures, classes),
        new DatasetInfo(n[TEST], 1, 1, minFeatures, classes));
  }
}
