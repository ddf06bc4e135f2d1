package io.ringmaster.spark;

import io.ringmaster.job.spec.DatasetRef;
import java.util.Locale;

/**
 * One dataset as Spark reads it ({@link TrainingFrames#read}): its format, path, and the labels' IDX file or
 * column.
 *
 * @param format parquet, csv, libsvm or idx
 * @param path a path Spark can read (idx: the images file, read by the driver)
 * @param labelsPath idx only: the labels file; null otherwise
 * @param labelColumn parquet/csv: the label column
 */
record DataSource(String format, String path, String labelsPath, String labelColumn) {
  static final String FORMATS = "parquet, csv, libsvm, idx";

  DataSource {
    format = format.toLowerCase(Locale.ROOT);
    if (format.equals("idx") && (labelsPath == null || labelsPath.isBlank())) {
      throw new IllegalArgumentException("IDX images " + path + " need their labels file too (--train-labels /"
          + " --test-labels, or labels: in the job file)");
    }
  }

  /**
   * A job file's dataset ({@code data.train} / {@code data.test}) as Spark reads it.
   *
   * @param format the command line's {@code --format}, or null to infer it: a labels file means idx, a path
   *     ending in .parquet parquet, .libsvm or .svm libsvm, anything else csv
   */
  static DataSource of(String field, DatasetRef ref, String format) {
    if (ref == null) {
      throw new IllegalArgumentException(field + ": missing");
    }
    if (ref.dataset() != null || ref.labelsDataset() != null) {
      throw new IllegalArgumentException(field + ": names a dataset stored on a coordinator; inside Spark give a"
          + " path Spark can read");
    }
    String f = format;
    if (f == null) {
      String p = ref.path().toLowerCase(Locale.ROOT);
      f = ref.labelsPath() != null ? "idx" : p.endsWith(".parquet") ? "parquet"
          : p.endsWith(".libsvm") || p.endsWith(".svm") ? "libsvm" : "csv";
    }
    return new DataSource(f, ref.path(), ref.labelsPath(), ref.labelColumn() == null ? "label" : ref.labelColumn());
  }

  /** The dataset as the job records it (a label only: the coordinator never reads Spark's data). */
  DatasetRef label() {
    return DatasetRef.csv("spark:" + format + ":" + path, labelColumn);
  }
}
