package io.ringmaster.coordinator.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint file failed verification: {@link #reason()} says how (a stable word for logs, status
 * details and tests), the message says where and what to do.
 */
public final class CorruptCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How a checkpoint file was found to be bad. */
  public enum Reason {
    /** The file ends before the header, payload or checksum it announces. */
    TRUNCATED("Truncated"),
    /** The payload's SHA-256 differs from the one stored with it (or recorded when it was saved). */
    CHECKSUM_MISMATCH("ChecksumMismatch"),
    /** The file does not start with the checkpoint magic bytes: it is not a checkpoint file. */
    BAD_MAGIC("BadMagic"),
    /** The file was written in a format version this Ringmaster cannot read. */
    UNSUPPORTED_VERSION("UnsupportedVersion"),
    /** The file has bytes after its checksum. */
    LENGTH_MISMATCH("LengthMismatch"),
    /** The checksum matches but the payload is not a valid Checkpoint message. */
    UNPARSEABLE("Unparseable"),
    /** The file is sound but holds another checkpoint than the reference says. */
    WRONG_CHECKPOINT("WrongCheckpoint");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The stable word, e.g. "ChecksumMismatch". */
    public String label() {
      return label;
    }
  }

  private final Reason reason;
  private final transient Path path;

  public CorruptCheckpointException(Reason reason, Path path, String detail) {
    super("checkpoint file " + path + " is corrupt (" + reason.label() + "): " + detail
        + ". Delete it; a job resumes from its newest valid checkpoint");
    this.reason = Objects.requireNonNull(reason);
    this.path = path;
  }

  /** The stable reason word: "Truncated", "ChecksumMismatch", "BadMagic", "UnsupportedVersion", ... */
  public String reason() {
    return reason.label();
  }

  public Reason kind() {
    return reason;
  }

  public Path path() {
    return path;
  }
}
