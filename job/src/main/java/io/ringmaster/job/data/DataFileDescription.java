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
 * @param sampleShape IDX images: [rows, cols]; CSV: [features] (with a {@code label} column), else
 *     [columns]; labels: empty
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
   * has none, only its rows and columns are counted and its classes are unknown).
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
      return csvWithoutLabelColumn(p);
    }
  }

  /**
   * A CSV file whose label column is not called {@code label} (a job names it with labelColumn): its rows
   * and columns are counted, its classes are unknown (0); the job's validation checks the rest.
   */
  private static DataFileDescription csvWithoutLabelColumn(Path p) throws DatasetException {
    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
        DataFiles.open(p, Source.PATH), java.nio.charset.StandardCharsets.UTF_8))) {
      String header = r.readLine();
      long columns = header == null ? 0 : header.split(",", -1).length;
      long rows = 0;
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          rows++;
        }
      }
      return new DataFileDescription(Kind.CSV, DataFiles.isGzip(p, Source.PATH), rows, List.of(columns), 0);
    } catch (IOException e) {
      throw DataFiles.readError(p, Source.PATH, e);
    }
  }

  private static final String DEFAULT_LABEL = io.ringmaster.job.spec.DatasetRef.DEFAULT_LABEL_COLUMN;
}
