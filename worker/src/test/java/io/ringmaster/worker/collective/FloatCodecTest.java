package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Encoding to little-endian bytes and adding/copying received bytes, split anywhere. */
class FloatCodecTest {

  @Test
  void encodeWritesLittleEndianFromAnyBufferKind() {
    float[] values = {1.5f, -2.25f, Float.MIN_VALUE, Float.NaN, 3e38f};
    for (FloatBuffer src : List.of(FloatBuffer.wrap(values.clone()),
        direct(values, ByteOrder.LITTLE_ENDIAN), direct(values, ByteOrder.BIG_ENDIAN))) {
      byte[] out = new byte[12];
      FloatCodec.encode(src, 1, 3, out);
      ByteBuffer le = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 3; i++) {
        assertThat(Float.floatToRawIntBits(le.getFloat(4 * i)))
            .isEqualTo(Float.floatToRawIntBits(values[1 + i]));
      }
    }
  }

  /** Splits the payload into direct pieces of {@code piece} bytes, so floats straddle boundaries. */
  @ParameterizedTest(name = "pieces of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, 4096, 16_385, 1 << 20})
  void decodeAddsAndCopiesAcrossArbitraryPieceBoundaries(int piece) {
    int n = 10_007;
    float[] incoming = new float[n];
    float[] local = new float[n + 10];
    for (int i = 0; i < n; i++) {
      incoming[i] = i * 0.5f - 17f;
    }
    for (int i = 0; i < local.length; i++) {
      local[i] = 1000f - i;
    }
    byte[] wire = new byte[n * 4];
    FloatCodec.encode(FloatBuffer.wrap(incoming), 0, n, wire);
    ByteString data = split(wire, piece);
    FloatCodec codec = new FloatCodec();

    FloatBuffer sum = direct(local, ByteOrder.nativeOrder());
    codec.decode(data, sum, 10, true);
    FloatBuffer copy = FloatBuffer.wrap(local.clone());
    codec.decode(data, copy, 10, false);

    for (int i = 0; i < 10; i++) {
      assertThat(sum.get(i)).isEqualTo(local[i]);
      assertThat(copy.get(i)).isEqualTo(local[i]);
    }
    for (int i = 0; i < n; i++) {
      assertThat(sum.get(10 + i)).as("sum at %d", i).isEqualTo(local[10 + i] + incoming[i]);
      assertThat(copy.get(10 + i)).as("copy at %d", i).isEqualTo(incoming[i]);
    }
  }

  @Test
  void decodeRejectsAPayloadThatIsNotWholeFloats() {
    FloatCodec codec = new FloatCodec();
    assertThatThrownBy(() -> codec.decode(ByteString.copyFrom(new byte[7]), FloatBuffer.allocate(2), 0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7 bytes");
  }

  private static ByteString split(byte[] wire, int piece) {
    List<ByteString> parts = new ArrayList<>();
    for (int off = 0; off < wire.length; off += piece) {
      int len = Math.min(piece, wire.length - off);
      ByteBuffer b = ByteBuffer.allocateDirect(len);
      b.put(wire, off, len).flip();
      parts.add(UnsafeByteOperations.unsafeWrap(b));
    }
    return ByteString.copyFrom(parts);
  }

  private static FloatBuffer direct(float[] values, ByteOrder order) {
    FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(order).asFloatBuffer();
    b.put(values).clear();
    return b;
  }
}
