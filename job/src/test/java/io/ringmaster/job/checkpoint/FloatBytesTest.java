package io.ringmaster.job.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class FloatBytesTest {
  static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }

  @Test
  void bytesAreLittleEndianIeee754() {
    ByteString b = FloatBytes.toBytes(new float[] {1.0f, -2.5f});
    assertThat(b.toByteArray()).containsExactly(0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0);
  }

  @Test
  void roundTripIsBitExactIncludingNaNPayloadsAndNegativeZero() {
    float[] v = TestCheckpoints.floats(10_007, 1);
    assertThat(bits(FloatBytes.toFloats(FloatBytes.toBytes(v)))).isEqualTo(bits(v));
  }

  @Test
  void floatBufferSliceIsEncodedWithoutMovingIt() {
    FloatBuffer buf = FloatBuffer.wrap(new float[] {1, 2, 3, 4});
    buf.position(1).limit(3);
    assertThat(FloatBytes.toFloats(FloatBytes.toBytes(buf))).containsExactly(2f, 3f);
    assertThat(buf.position()).isEqualTo(1);
  }

  @Test
  void ropesSplitInsideAnElementDecodeCorrectly() {
    float[] v = TestCheckpoints.floats(1000, 2);
    ByteString whole = FloatBytes.toBytes(v);
    ByteString rope = whole.substring(0, 401).concat(whole.substring(401, 2000)).concat(whole.substring(2000));
    assertThat(bits(FloatBytes.toFloats(rope))).isEqualTo(bits(v));
    ByteString aligned = whole.substring(0, 400).concat(whole.substring(400));
    assertThat(bits(FloatBytes.toFloats(aligned))).isEqualTo(bits(v));
  }

  @Test
  void badSizesAreRefused() {
    assertThatThrownBy(() -> FloatBytes.toFloats(ByteString.copyFrom(new byte[7])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 4 bytes, got 7");
    assertThatThrownBy(() -> FloatBytes.toFloats(ByteString.copyFrom(new byte[8]), new float[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room for 1");
  }
}
