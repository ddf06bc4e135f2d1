package io.ringmaster.job.data;

import io.ringmaster.job.data.DatasetException.Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a CSV dataset: a header row naming the columns, then one sample per line. The label column
 * (found by name) holds integer class ids &gt;= 0; every other column is a numeric feature, in header
 * order. Samples are 1 x 1 x features. Fields are separated by commas; surrounding spaces and double
 * quotes are ignored; blank lines are skipped. The file may be gzipped (recognised by its magic bytes).
 */
public final class CsvReader {

  private final Path path;
  private final String labelColumn;
  private final boolean keepFeatures;

  private String[] header;
  private int labelIndex;
  private int features;
  private int[] labels = new int[1024];
  private int rows;
  private float[] values;

  private CsvReader(Path path, String labelColumn, boolean keepFeatures) {
    this.path = path;
    this.labelColumn = labelColumn;
    this.keepFeatures = keepFeatures;
  }

  /** Reads the whole file into memory. */
  public static FloatDataset read(String path, String labelColumn) throws DatasetException {
    CsvReader r = parse(path, labelColumn, true);
    return new FloatDataset(1, 1, r.features, Labels.classes(r.trimmedLabels()),
        Arrays.copyOf(r.values, r.rows * r.features), r.trimmedLabels());
  }

  /** Parses and checks every line without keeping the features; returns the shape. */
  public static DatasetInfo probe(String path, String labelColumn) throws DatasetException {
    CsvReader r = parse(path, labelColumn, false);
    return new DatasetInfo(r.rows, 1, 1, r.features, Labels.classes(r.trimmedLabels()));
  }

  private static CsvReader parse(String path, String labelColumn, boolean keep) throws DatasetException {
    Path p = DataFiles.existingFile(path, Source.PATH);
    String column = labelColumn == null || labelColumn.isBlank() ? "label" : labelColumn.trim();
    CsvReader r = new CsvReader(p, column, keep);
    r.parse();
    return r;
  }

  private void parse() throws DatasetException {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(DataFiles.open(path, Source.PATH), StandardCharsets.UTF_8), 1 << 16)) {
      String line = in.readLine();
      int lineNo = 1;
      while (line != null && line.isBlank()) {
        line = in.readLine();
        lineNo++;
      }
      if (line == null) {
        throw new DatasetException(Source.PATH, path + " is empty: expected a header row naming the columns,"
            + " e.g. 'label,x1,x2', then one sample per line");
      }
      readHeader(stripBom(line));
      if (keepFeatures) {
        values = new float[Math.max(features, 1) * 1024];
      }
      String[] fields = new String[header.length];
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          readRow(line, lineNo, fields);
        }
      }
      if (rows == 0) {
        throw new DatasetException(Source.PATH, path + " has a header but no data rows");
      }
    } catch (IOException e) {
      throw DataFiles.readError(path, Source.PATH, e);
    }
  }

  private void readHeader(String line) throws DatasetException {
    List<String> names = split(line);
    header = new String[names.size()];
    labelIndex = -1;
    int matches = 0;
    for (int i = 0; i < header.length; i++) {
      header[i] = unquote(names.get(i).trim());
      if (header[i].equals(labelColumn)) {
        labelIndex = i;
        matches++;
      }
    }
    if (labelIndex < 0) {
      // the header's names are the file's content: never quoted (the caller may not be allowed to read it)
      throw new DatasetException(Source.LABEL_COLUMN, "no column '" + io.ringmaster.job.spec.Echo.of(labelColumn, 60)
          + "' in the header of " + path + " (" + header.length + " columns); name the label column with labelColumn");
    }
    if (matches > 1) {
      throw new DatasetException(Source.LABEL_COLUMN, "column '" + labelColumn + "' appears " + matches
          + " times in the header of " + path + "; column names must be unique");
    }
    features = header.length - 1;
    if (features < 1) {
      throw new DatasetException(Source.PATH, path + " has no feature columns: the header has only the label"
          + " column '" + labelColumn + "'");
    }
  }

  private void readRow(String line, int lineNo, String[] fields) throws DatasetException {
    int n = splitInto(line, fields);
    if (n != header.length) {
      throw new DatasetException(Source.PATH, "line " + lineNo + ": " + n + " values but the header has "
          + header.length + " columns (file " + path + ")");
    }
    if (rows == labels.length) {
      labels = Arrays.copyOf(labels, rows * 2);
    }
    if (keepFeatures && (long) (rows + 1) * features > values.length) {
      long grown = Math.min((long) values.length * 2, Integer.MAX_VALUE - 8);
      if (grown < (long) (rows + 1) * features) {
        throw new DatasetException(Source.PATH, path + " is too large: more than 2^31 feature values at line "
            + lineNo + "; split the dataset");
      }
      values = Arrays.copyOf(values, (int) grown);
    }
    int at = rows * features;
    for (int c = 0; c < n; c++) {
      String raw = unquote(fields[c].trim());
      if (c == labelIndex) {
        labels[rows] = parseLabel(raw, lineNo);
      } else {
        float v = parseFeature(raw, lineNo, c);
        if (keepFeatures) {
          values[at++] = v;
        }
      }
    }
    rows++;
  }

  private float parseFeature(String raw, int lineNo, int column) throws DatasetException {
    float v;
    try {
      v = Float.parseFloat(raw);
    } catch (NumberFormatException e) {
      throw badValue(lineNo, column, raw, "is not a number");
    }
    if (!Float.isFinite(v)) {
      throw badValue(lineNo, column, raw, "is not a finite number");
    }
    return v;
  }

  private int parseLabel(String raw, int lineNo) throws DatasetException {
    double d;
    try {
      d = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= 0 && d < Labels.MAX_CLASSES) || d != Math.rint(d)) {
      throw badValue(lineNo, labelIndex, raw, "is not a class id (an integer from 0 to "
          + (Labels.MAX_CLASSES - 1) + ")");
    }
    return (int) d;
  }

  private DatasetException badValue(int lineNo, int column, String raw, String what) {
    // neither the value nor the column's name is quoted: both are the file's content
    return new DatasetException(Source.PATH, "line " + lineNo + ", column " + (column + 1) + ": the value " + what
        + " (file " + path + ")");
  }

  private int[] trimmedLabels() {
    return Arrays.copyOf(labels, rows);
  }

  /** Splits into {@code fields}; returns the number of fields in the line (which may exceed the array). */
  private static int splitInto(String line, String[] fields) {
    int n = 0;
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? line.length() : comma;
      if (n < fields.length) {
        fields[n] = line.substring(start, end);
      }
      n++;
      if (comma < 0) {
        return n;
      }
      start = comma + 1;
    }
  }

  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      if (comma < 0) {
        out.add(line.substring(start));
        return out;
      }
      out.add(line.substring(start, comma));
      start = comma + 1;
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
        ? s.substring(1, s.length() - 1).trim() : s;
  }

  private static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

}
