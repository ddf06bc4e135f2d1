package io.ringmaster.job.transfer;

import java.io.IOException;

/** A file stream whose bytes are not what its header (or the caller) announced: size or SHA-256 differ. */
public final class CorruptTransferException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptTransferException(String message) {
    super(message);
  }
}
