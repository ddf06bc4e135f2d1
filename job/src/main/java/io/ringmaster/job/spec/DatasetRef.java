package io.ringmaster.job.spec;

import java.util.Locale;
import java.util.Objects;

/**
 * One dataset: by path (a file the coordinator sees; workers use it as-is when they see it too, else they
 * fetch it from the coordinator by its hash) or by a dataset stored on the coordinator ({@code ringmaster
 * datasets push}), named by its name or its SHA-256. Either {@code path} or {@code dataset} is given, and
 * for IDX either {@code labelsPath} or {@code labelsDataset}. The coordinator pins a dataset name to the
 * hash it names at submission, so the job trains on the bytes it was validated against.
 *
 * @param format IDX (images + labels files, gzipped or not) or CSV (header row, one label column); default
 *     (null as given) from the path: see {@link Format#inferFrom}
 * @param path IDX: images file; CSV: the CSV file
 * @param labelsPath IDX only: labels file; null for CSV
 * @param labelColumn CSV only: name of the label column (default "label"; null or blank as given: unset)
 * @param dataset instead of {@code path}: a stored dataset's name or SHA-256 (hex); null when unset
 * @param labelsDataset IDX only, instead of {@code labelsPath}: the labels' stored dataset; null when unset
 */
public record DatasetRef(Format format, String path, String labelsPath, String labelColumn, String dataset,
    String labelsDataset) {
  public static final String DEFAULT_LABEL_COLUMN = "label";

  public enum Format {
    IDX,
    CSV;

    /**
     * The format a path (or a dataset's name) implies when none is given: *.csv (optionally .gz) is CSV,
     * anything else IDX.
     */
    public static Format inferFrom(String path) {
      String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
      return p.endsWith(".csv") || p.endsWith(".csv.gz") ? CSV : IDX;
    }
  }

  public DatasetRef {
    Objects.requireNonNull(path, "path (empty when a dataset is given)");
  }

  public static DatasetRef idx(String images, String labels) {
    return new DatasetRef(Format.IDX, images, labels, null, null, null);
  }

  public static DatasetRef csv(String path, String labelColumn) {
    return new DatasetRef(Format.CSV, path, null, labelColumn, null, null);
  }

  /** IDX images and labels stored on the coordinator, by name or SHA-256. */
  public static DatasetRef storedIdx(String images, String labels) {
    return new DatasetRef(Format.IDX, "", null, null, images, labels);
  }

  /** A CSV file stored on the coordinator, by name or SHA-256. */
  public static DatasetRef storedCsv(String dataset, String labelColumn) {
    return new DatasetRef(Format.CSV, "", null, labelColumn, dataset, null);
  }

  /** True when the main file is a stored dataset rather than a path. */
  public boolean stored() {
    return dataset != null && !dataset.isBlank();
  }

  /** True when the labels file is a stored dataset rather than a path. */
  public boolean labelsStored() {
    return labelsDataset != null && !labelsDataset.isBlank();
  }

  /** The same reference with the given files in place of whatever named them (paths on this machine). */
  public DatasetRef withLocalFiles(String file, String labelsFile) {
    return new DatasetRef(format, file, labelsFile, labelColumn, null, null);
  }
}
