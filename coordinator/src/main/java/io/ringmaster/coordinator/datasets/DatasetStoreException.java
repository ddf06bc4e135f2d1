package io.ringmaster.coordinator.datasets;

/**
 * A dataset request the store refuses, with the gRPC status it maps to ({@link Kind}) and a message saying
 * what, which dataset or upload, and how to fix it.
 */
public final class DatasetStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as the client should see it. */
  public enum Kind {
    INVALID,
    NOT_FOUND,
    TOO_LARGE,
    /** A limit of the store as a whole: its size, or its number of unfinished uploads. */
    LIMIT,
    WRONG_OFFSET,
    IN_USE,
    CORRUPT
  }

  private final Kind kind;

  public DatasetStoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
