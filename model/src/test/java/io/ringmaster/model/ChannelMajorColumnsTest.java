package io.ringmaster.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.model.ChannelMajorColumns.Geometry;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/** The Java column layout equals libnd4j's im2col (reordered), and col2im is its exact adjoint. */
class ChannelMajorColumnsTest {

  @ParameterizedTest(name = "mb={0} c={1} {2}x{3} kernel {4}x{5} stride {6}x{7} pad {8}x{9}")
  @CsvSource({
      "3, 1, 28, 28, 5, 5, 1, 1, 0, 0",
      "2, 4, 12, 12, 5, 5, 1, 1, 0, 0",
      "2, 3, 9, 7, 3, 3, 2, 2, 1, 1",
      "1, 2, 8, 10, 3, 2, 1, 3, 2, 1",
      "2, 2, 5, 5, 5, 5, 1, 1, 0, 0"})
  void im2colMatchesLibnd4jAndCol2imIsItsAdjoint(int mb, int c, int h, int w, int kH, int kW, int sH, int sW, int pH,
      int pW) {
    int oH = (h + 2 * pH - kH) / sH + 1;
    int oW = (w + 2 * pW - kW) / sW + 1;
    Geometry g = new Geometry(mb, c, h, w, kH, kW, sH, sW, pH, pW, oH, oW);
    Random random = new Random(7);
    float[] in = new float[mb * c * h * w];
    for (int i = 0; i < in.length; i++) {
      in[i] = random.nextFloat() - 0.5f;
    }
    float[] col = new float[g.rows() * g.cols()];
    java.util.Arrays.fill(col, Float.NaN);
    ChannelMajorColumns.im2col(g, in, 0, col, 0);

    INDArray input = Nd4j.create(in, new long[] {mb, c, h, w}, 'c');
    INDArray reference = Nd4j.create(DataType.FLOAT, mb, c, kH, kW, oH, oW);
    Convolution.im2col(input, kH, kW, sH, sW, pH, pW, 1, 1, false, reference);
    INDArray expected = reference.permute(1, 2, 3, 0, 4, 5).dup('c').reshape('c', g.rows(), g.cols());
    assertThat(Nd4j.create(col, new long[] {g.rows(), g.cols()}, 'c')).isEqualTo(expected);

    // <col2im(d), x> == <d, im2col(x)> for a random d: col2im is the adjoint (the input gradient)
    float[] d = new float[col.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextFloat() - 0.5f;
    }
    float[] eps = new float[in.length];
    java.util.Arrays.fill(eps, Float.NaN);
    ChannelMajorColumns.col2im(g, d, 0, eps, 0);
    double left = 0;
    for (int i = 0; i < in.length; i++) {
      left += (double) eps[i] * in[i];
    }
    double right = 0;
    for (int i = 0; i < col.length; i++) {
      right += (double) d[i] * col[i];
    }
    assertThat(left).isCloseTo(right, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(right))));
  }

  @ParameterizedTest(name = "mb={0} oC={1} p={2}")
  @CsvSource({"3, 4, 5", "1, 1, 7", "2, 50, 64"})
  void reordersBetweenSampleMajorAndChannelMajor(int mb, int oC, int p) {
    float[] y = new float[mb * oC * p];
    for (int i = 0; i < y.length; i++) {
      y[i] = i;
    }
    float[] bias = new float[oC];
    for (int o = 0; o < oC; o++) {
      bias[o] = 1000f * o;
    }
    float[] out = new float[y.length];
    ChannelMajorColumns.toSampleMajor(y, 0, bias, out, 0, mb, oC, p);
    float[] back = new float[y.length];
    double[] sums = ChannelMajorColumns.toChannelMajor(out, 0, back, 0, mb, oC, p);
    for (int b = 0; b < mb; b++) {
      for (int o = 0; o < oC; o++) {
        for (int q = 0; q < p; q++) {
          assertThat(out[(b * oC + o) * p + q]).isEqualTo(y[(o * mb + b) * p + q] + bias[o]);
        }
      }
    }
    for (int o = 0; o < oC; o++) {
      double sum = 0;
      for (int i = 0; i < mb * p; i++) {
        assertThat(back[o * mb * p + i]).isEqualTo(y[o * mb * p + i] + bias[o]);
        sum += back[o * mb * p + i];
      }
      assertThat(sums[o]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(sum) + 1e-6));
    }
  }
}
