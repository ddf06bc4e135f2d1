package io.ringmaster.job.checkpoint;

import com.google.protobuf.UnsafeByteOperations;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;

/**
 * Rebuilds a full {@link Checkpoint} from its chunk stream (see {@link CheckpointChunks}), checking the
 * stream as it arrives: header first and only once, no bytes in the header's byte fields, sizes that add
 * up, no chunk above {@link CheckpointChunks#MAX_CHUNK_BYTES}. The data is copied once, into one array of
 * the announced size. Not thread-safe: feed it from one call's callbacks.
 */
public final class CheckpointAssembler {
  /** Default bound on the announced data size: 1 GiB (256 M floats of params and updater state). */
  public static final long DEFAULT_MAX_PAYLOAD_BYTES = 1L << 30;

  private final long maxPayloadBytes;
  private Checkpoint header;
  private byte[] data;
  private int filled;
  private long chunks;

  /** An assembler accepting at most {@link #DEFAULT_MAX_PAYLOAD_BYTES} of data. */
  public CheckpointAssembler() {
    this(DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /** An assembler accepting at most {@code maxPayloadBytes} of data (at most 2 GiB - 16). */
  public CheckpointAssembler(long maxPayloadBytes) {
    if (maxPayloadBytes <= 0 || maxPayloadBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxPayloadBytes must be in [1, 2 GiB - 16], got " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Takes the next chunk.
   *
   * @throws MalformedChunkStreamException when the chunk breaks the format
   */
  public void accept(CheckpointChunk chunk) {
    chunks++;
    switch (chunk.getBodyCase()) {
      case HEADER -> acceptHeader(chunk.getHeader());
      case DATA -> acceptData(chunk);
      case BODY_NOT_SET -> throw malformed("has neither header nor data");
    }
  }

  /** The header, once received; null before. */
  public Checkpoint header() {
    return header;
  }

  /** Data bytes received so far. */
  public long receivedBytes() {
    return filled;
  }

  /**
   * The full checkpoint, after the stream ended.
   *
   * @throws MalformedChunkStreamException when the stream ended early
   */
  public Checkpoint finish() {
    if (header == null) {
      throw new MalformedChunkStreamException("the stream ended after " + chunks
          + " chunk(s) without a header: the first chunk must carry the checkpoint header");
    }
    if (filled != data.length) {
      throw new MalformedChunkStreamException("the stream ended after " + filled + " of the " + data.length
          + " data bytes the header announced (num_params " + header.getNumParams() + ", updater_state_length "
          + header.getUpdaterStateLength() + ")");
    }
    int paramBytes = (int) (4L * header.getNumParams());
    // the array is not written after this point, so the ByteStrings may share it
    return header.toBuilder()
        .setParams(UnsafeByteOperations.unsafeWrap(data, 0, paramBytes))
        .setUpdaterState(UnsafeByteOperations.unsafeWrap(data, paramBytes, data.length - paramBytes))
        .build();
  }

  private void acceptHeader(Checkpoint h) {
    if (header != null) {
      throw malformed("is a second header: send one header, then data chunks");
    }
    if (chunks != 1) {
      throw malformed("is a header after data: the header must come first");
    }
    if (!h.getParams().isEmpty() || !h.getUpdaterState().isEmpty()) {
      throw malformed("is a header carrying " + h.getParams().size() + " params bytes and "
          + h.getUpdaterState().size() + " updater_state bytes: send them in data chunks");
    }
    if (h.getNumParams() <= 0) {
      throw malformed("is a header with num_params " + h.getNumParams() + ": it must be > 0");
    }
    if (h.getUpdaterStateLength() < 0) {
      throw malformed("is a header with updater_state_length " + h.getUpdaterStateLength() + ": it must be >= 0");
    }
    if (h.getNumParams() > maxPayloadBytes / 4 || h.getUpdaterStateLength() > maxPayloadBytes / 4
        || CheckpointChunks.payloadBytes(h) > maxPayloadBytes) {
      throw malformed("announces " + h.getNumParams() + " params and " + h.getUpdaterStateLength()
          + " updater-state floats, more than the " + maxPayloadBytes + " bytes this receiver accepts");
    }
    header = h;
    data = new byte[(int) CheckpointChunks.payloadBytes(h)];
  }

  private void acceptData(CheckpointChunk chunk) {
    if (header == null) {
      throw malformed("is data before the header: the first chunk must carry the checkpoint header");
    }
    int n = chunk.getData().size();
    if (n > CheckpointChunks.MAX_CHUNK_BYTES) {
      throw malformed("holds " + n + " bytes, more than the " + CheckpointChunks.MAX_CHUNK_BYTES + " allowed per chunk");
    }
    if (n > data.length - filled) {
      throw malformed("brings the data to " + ((long) filled + n) + " bytes, more than the " + data.length
          + " the header announced (num_params " + header.getNumParams() + ", updater_state_length "
          + header.getUpdaterStateLength() + ")");
    }
    chunk.getData().copyTo(data, filled);
    filled += n;
  }

  private MalformedChunkStreamException malformed(String what) {
    return new MalformedChunkStreamException("chunk " + chunks + " " + what);
  }
}
