package io.ringmaster.worker.collective;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Moves float32 elements between a caller's {@link FloatBuffer} (direct or heap, any byte order) and
 * the wire format (little-endian IEEE 754) with bulk copies: encoding into a reusable staging array,
 * and adding or copying received bytes straight from the transport's buffers, which may split an
 * element across two of them. Not thread-safe: one instance per ring, used by the op thread only.
 */
final class FloatCodec {
  private static final int BLOCK = 4096;

  private final float[] incoming = new float[BLOCK];
  private final float[] local = new float[BLOCK];
  private final byte[] carry = new byte[4];

  /** Writes elements {@code [offset, offset+count)} of {@code src} as little-endian bytes. */
  static void encode(FloatBuffer src, int offset, int count, byte[] dst) {
    FloatBuffer out = ByteBuffer.wrap(dst, 0, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    out.put(src.slice(offset, count));
  }

  /**
   * Adds ({@code add}) or copies the little-endian elements in {@code data} into {@code dst} starting at
   * element {@code offset}.
   */
  void decode(ByteString data, FloatBuffer dst, int offset, boolean add) {
    int pos = offset;
    int carried = 0;
    for (ByteBuffer part : data.asReadOnlyByteBufferList()) {
      ByteBuffer bytes = part.order(ByteOrder.LITTLE_ENDIAN);
      if (carried > 0) {
        while (carried < 4 && bytes.hasRemaining()) {
          carry[carried++] = bytes.get();
        }
        if (carried < 4) {
          continue;
        }
        float v = ByteBuffer.wrap(carry).order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        dst.put(pos, add ? dst.get(pos) + v : v);
        pos++;
        carried = 0;
      }
      int n = bytes.remaining() / 4;
      if (n > 0) {
        FloatBuffer values = bytes.asFloatBuffer();
        if (add) {
          addInto(values, n, dst, pos);
        } else {
          dst.put(pos, values, 0, n);
        }
        pos += n;
        bytes.position(bytes.position() + n * 4);
      }
      while (bytes.hasRemaining()) {
        carry[carried++] = bytes.get();
      }
    }
    if (carried != 0) {
      throw new IllegalArgumentException("payload of " + data.size() + " bytes is not whole float32s");
    }
  }

  private void addInto(FloatBuffer values, int n, FloatBuffer dst, int pos) {
    for (int done = 0; done < n; ) {
      int m = Math.min(BLOCK, n - done);
      values.get(incoming, 0, m);
      dst.get(pos + done, local, 0, m);
      for (int i = 0; i < m; i++) {
        local[i] += incoming[i];
      }
      dst.put(pos + done, local, 0, m);
      done += m;
    }
  }
}
