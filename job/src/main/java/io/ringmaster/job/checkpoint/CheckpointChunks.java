package io.ringmaster.job.checkpoint;

import com.google.protobuf.ByteString;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunked form of a {@link Checkpoint} used by {@code Checkpoints.Upload/Download} and
 * {@code ReplicaState.Fetch}: first a chunk whose {@code header} is the checkpoint without its
 * {@code params} and {@code updater_state} bytes (but with {@code num_params} and
 * {@code updater_state_length} set), then {@code data} chunks of at most {@link #MAX_CHUNK_BYTES} holding
 * the params bytes followed by the updater-state bytes. {@link CheckpointAssembler} reverses it.
 */
public final class CheckpointChunks {
  /** Largest data chunk, well under gRPC's default 4 MiB message limit. */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  private CheckpointChunks() {}

  /**
   * The header chunk's checkpoint: {@code full} without its params and updater-state bytes.
   *
   * @throws IllegalArgumentException when the byte fields do not match {@code num_params} and
   *     {@code updater_state_length}
   */
  public static Checkpoint header(Checkpoint full) {
    checkSizes(full);
    return full.toBuilder().clearParams().clearUpdaterState().build();
  }

  /** Bytes of data a header announces: 4 x ({@code num_params} + {@code updater_state_length}). */
  public static long payloadBytes(Checkpoint header) {
    return 4L * header.getNumParams() + 4L * header.getUpdaterStateLength();
  }

  /** The whole stream for {@code full}, chunks of at most {@link #MAX_CHUNK_BYTES}. */
  public static List<CheckpointChunk> split(Checkpoint full) {
    return split(full, MAX_CHUNK_BYTES);
  }

  /**
   * The whole stream for {@code full}: the header, then data chunks of at most {@code chunkBytes} that
   * share memory with {@code full}'s byte fields (no copy). Params and updater state never share a chunk.
   */
  public static List<CheckpointChunk> split(Checkpoint full, int chunkBytes) {
    if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size must be in [1, " + MAX_CHUNK_BYTES + "], got " + chunkBytes);
    }
    Checkpoint header = header(full);
    List<CheckpointChunk> out = new ArrayList<>(2 + (int) (payloadBytes(header) / chunkBytes) + 1);
    out.add(CheckpointChunk.newBuilder().setHeader(header).build());
    addData(full.getParams(), chunkBytes, out);
    addData(full.getUpdaterState(), chunkBytes, out);
    return out;
  }

  private static void addData(ByteString bytes, int chunkBytes, List<CheckpointChunk> out) {
    for (int from = 0; from < bytes.size(); from += chunkBytes) {
      int to = Math.min(bytes.size(), from + chunkBytes);
      out.add(CheckpointChunk.newBuilder().setData(bytes.substring(from, to)).build());
    }
  }

  private static void checkSizes(Checkpoint full) {
    if (full.getNumParams() <= 0) {
      throw new IllegalArgumentException("checkpoint of job '" + full.getJobId() + "' has num_params "
          + full.getNumParams() + ": set it to the number of float32 parameters (params.size() / 4)");
    }
    if (full.getParams().size() != 4L * full.getNumParams()) {
      throw new IllegalArgumentException("checkpoint of job '" + full.getJobId() + "' has num_params "
          + full.getNumParams() + " but params holds " + full.getParams().size() + " bytes (expected "
          + 4L * full.getNumParams() + ")");
    }
    if (full.getUpdaterStateLength() < 0 || full.getUpdaterState().size() != 4L * full.getUpdaterStateLength()) {
      throw new IllegalArgumentException("checkpoint of job '" + full.getJobId() + "' has updater_state_length "
          + full.getUpdaterStateLength() + " but updater_state holds " + full.getUpdaterState().size()
          + " bytes (expected " + 4L * full.getUpdaterStateLength() + ")");
    }
  }
}
