package io.ringmaster.job.data;

import io.ringmaster.job.data.DatasetException.Source;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What one data file holds, found by reading it (not by its name): IDX images, IDX labels or CSV, gzipped
 * or not, with its samples, the shape of one sample and its classes. Used to describe a dataset uploaded
 * to the coordinator, where only the bytes are known.
 *
 * @param kind the file's format
 * @param gzipped whether the bytes are gzip-compressed
 * @param samples images, labels or CSV rows
 * @param sampleShape IDX images: [rows, cols]; CSV: [features]; labels: empty
 * @param classes largest label + 1 (labels, CSV with a {@code label} column); 0 when unknown
 */
public record DataFileDescription(Kind kind, boolean gzipped, long samples, List<Long> sampleShape, int classes) {
  /** The formats a dataset file can have. */
  public enum Kind {
    IDX_IMAGES,
    IDX_LABELS,
    CSV
  }

  /**
   * Reads the file and says what it is. A file starting with an IDX magic number is read as IDX (and must
   * be a valid one); anything else is parsed as CSV with a header row and a {@code label} column (or, if it
   * has none, every column a feature and no classes).
   *
   * @throws DatasetException when the file cannot be read or is neither valid IDX nor valid CSV
   */
  public static DataFileDescription of(Path file) throws DatasetException {
    String path = file.toString();
    Path p = DataFiles.existingFile(path, Source.PATH);
    boolean gz = DataFiles.isGzip(p, Source.PATH);
    int magic;
    try (InputStream raw = DataFiles.open(p, Source.PATH); DataInputStream in = new DataInputStream(raw)) {
      byte[] head = in.readNBytes(4);
      magic = head.length < 4 ? -1
          : ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
    } catch (IOException e) {
      throw DataFiles.readError(p, Source.PATH, e);
    }
    if (magic == IdxReader.IMAGES_MAGIC) {
      IdxReader.ImagesHeader h = IdxReader.probeImages(path);
      return new DataFileDescription(Kind.IDX_IMAGES, gz, h.samples(), List.of((long) h.rows(), (long) h.cols()), 0);
    }
    if (magic == IdxReader.LABELS_MAGIC) {
      int[] labels = IdxReader.readLabels(path);
      return new DataFileDescription(Kind.IDX_LABELS, gz, labels.length, List.of(), Labels.classes(labels));
    }
    try {
      DatasetInfo info = CsvReader.probe(path, DEFAULT_LABEL);
      return new DataFileDescription(Kind.CSV, gz, info.samples(), List.of((long) info.features()), info.classes());
    } catch (DatasetException e) {
      if (e.source() != Source.LABEL_COLUMN) {
        throw new DatasetException(Source.PATH, "neither IDX (no IDX magic number at its start) nor valid CSV: "
            + e.getMessage(), e);
      }
      throw new DatasetException(Source.PATH, "a CSV file without a '" + DEFAULT_LABEL
          + "' column cannot be described (its classes are unknown); rename its label column to '"
          + DEFAULT_LABEL + "': " + e.getMessage(), e);
    }
  }

  private static final String DEFAULT_LABEL = io.ringmaster.job.spec.DatasetRef.DEFAULT_LABEL_COLUMN;
}
