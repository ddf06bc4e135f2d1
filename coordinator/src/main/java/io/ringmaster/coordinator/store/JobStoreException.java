package io.ringmaster.coordinator.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A job store could not be opened, read or written. The message names the file, what went wrong and
 * what to do; {@link #kind()} lets callers (the CLI) pick an exit code or a hint.
 */
public final class JobStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely. */
  public enum Kind {
    /** The file is damaged or is not a Ringmaster job store. */
    CORRUPT,
    /** Another process (usually another coordinator on the same data directory) holds the file. */
    LOCKED,
    /** The file was written by a newer Ringmaster with a schema this version cannot read. */
    NEWER_SCHEMA,
    /** The file cannot be created, opened, read or written (permissions, disk full, I/O error). */
    IO,
    /** The store was closed. */
    CLOSED
  }

  private final Kind kind;
  private final Path path;

  public JobStoreException(Kind kind, Path path, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
    this.path = path;
  }

  public Kind kind() {
    return kind;
  }

  /** The store's file. */
  public Path path() {
    return path;
  }
}
