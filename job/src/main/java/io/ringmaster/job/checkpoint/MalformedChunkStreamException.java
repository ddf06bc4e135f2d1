package io.ringmaster.job.checkpoint;

/**
 * A chunk stream did not follow the {@link CheckpointChunks} format. The message says what was wrong
 * and where (e.g. "chunk 3: ..."); servers answer it with {@code INVALID_ARGUMENT}.
 */
public final class MalformedChunkStreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedChunkStreamException(String message) {
    super(message);
  }
}
