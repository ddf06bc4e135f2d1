package io.ringmaster.job.data;

import java.util.Objects;

/**
 * A dataset file is missing, unreadable or malformed. Names which part of the dataset reference is at
 * fault ({@link Source}) so callers can attach the right spec field, and says what is wrong in words a
 * user can act on (the file, the line or header value, what was expected).
 */
public final class DatasetException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The part of a {@code DatasetRef} a problem belongs to, with its spec field name. */
  public enum Source {
    /** The images file (IDX) or the CSV file. */
    PATH("path"),
    /** The IDX labels file. */
    LABELS("labels"),
    /** The CSV label column name. */
    LABEL_COLUMN("labelColumn");

    private final String field;

    Source(String field) {
      this.field = field;
    }

    /** Field name below a dataset's spec path: {@code path}, {@code labels} or {@code labelColumn}. */
    public String field() {
      return field;
    }
  }

  private final Source source;

  public DatasetException(Source source, String message) {
    super(message);
    this.source = Objects.requireNonNull(source, "source");
  }

  public DatasetException(Source source, String message, Throwable cause) {
    super(message, cause);
    this.source = Objects.requireNonNull(source, "source");
  }

  public Source source() {
    return source;
  }
}
