package io.ringmaster.job.spec;

import java.util.Locale;
import java.util.Objects;

/**
 * One dataset on a filesystem every worker sees.
 *
 * @param format IDX (images + labels files, gzipped or not) or CSV (header row, one label column); default
 *     (null as given) from the path: see {@link Format#inferFrom}
 * @param path IDX: images file; CSV: the CSV file
 * @param labelsPath IDX only: labels file; null for CSV
 * @param labelColumn CSV only: name of the label column (default "label"; null or blank as given: unset)
 */
public record DatasetRef(Format format, String path, String labelsPath, String labelColumn) {
  public static final String DEFAULT_LABEL_COLUMN = "label";

  public enum Format {
    IDX,
    CSV;

    /** The format a path implies when none is given: *.csv (optionally .gz) is CSV, anything else IDX. */
    public static Format inferFrom(String path) {
      String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
      return p.endsWith(".csv") || p.endsWith(".csv.gz") ? CSV : IDX;
    }
  }

  public DatasetRef {
    Objects.requireNonNull(path, "path");
  }

  public static DatasetRef idx(String images, String labels) {
    return new DatasetRef(Format.IDX, images, labels, null);
  }

  public static DatasetRef csv(String path, String labelColumn) {
    return new DatasetRef(Format.CSV, path, null, labelColumn);
  }
}
