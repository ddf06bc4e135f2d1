package io.ringmaster.job.checkpoint;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Converts float32 arrays to and from the little-endian bytes that {@code Checkpoint.params} and
 * {@code Checkpoint.updater_state} hold, with bulk buffer copies (no per-element calls).
 */
public final class FloatBytes {
  private FloatBytes() {}

  /** The values as little-endian IEEE 754 bytes (4 per value). */
  public static ByteString toBytes(float[] values) {
    return toBytes(FloatBuffer.wrap(values));
  }

  /** The remaining values of {@code values} as little-endian bytes; the buffer's position is unchanged. */
  public static ByteString toBytes(FloatBuffer values) {
    byte[] out = new byte[Math.multiplyExact(values.remaining(), 4)];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values.duplicate());
    // the array is never written again, so the ByteString may keep it without a copy
    return UnsafeByteOperations.unsafeWrap(out);
  }

  /**
   * The floats held by little-endian {@code bytes}.
   *
   * @throws IllegalArgumentException when the size is not a multiple of 4
   */
  public static float[] toFloats(ByteString bytes) {
    float[] out = new float[floatCount(bytes)];
    toFloats(bytes, out);
    return out;
  }

  /**
   * Copies the floats held by little-endian {@code bytes} into the start of {@code dst}.
   *
   * @throws IllegalArgumentException when the size is not a multiple of 4 or {@code dst} is too short
   */
  public static void toFloats(ByteString bytes, float[] dst) {
    int n = floatCount(bytes);
    if (dst.length < n) {
      throw new IllegalArgumentException(bytes.size() + " bytes hold " + n + " floats but the destination has room for "
          + dst.length);
    }
    int pos = 0;
    for (ByteBuffer part : bytes.asReadOnlyByteBufferList()) {
      if (part.remaining() % 4 != 0) {
        // a rope split inside an element: fall back to one contiguous copy
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, 0, n);
        return;
      }
      FloatBuffer floats = part.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      int m = floats.remaining();
      floats.get(dst, pos, m);
      pos += m;
    }
  }

  private static int floatCount(ByteString bytes) {
    if (bytes.size() % 4 != 0) {
      throw new IllegalArgumentException("a float32 array needs a multiple of 4 bytes, got " + bytes.size());
    }
    return bytes.size() / 4;
  }
}
