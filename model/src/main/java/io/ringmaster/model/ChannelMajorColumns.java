package io.ringmaster.model;

/**
 * The column ("im2col") layout of a 2-D convolution over a whole minibatch, <em>channel-major</em>: a
 * {@code [c*kH*kW, mb*oH*oW]} matrix whose row {@code (c, kh, kw)} holds, for every sample {@code b} and
 * output pixel {@code (oh, ow)}, the input value {@code in[b, c, oh*sH - pH + kh, ow*sW - pW + kw]} (0 outside
 * the image). With the weights as a {@code [oC, c*kH*kW]} matrix, one GEMM gives the whole batch's output in
 * {@code [oC, mb*oH*oW]} order, one GEMM the weight gradient and one the column gradient, instead of one GEMM
 * per sample.
 *
 * <p>libnd4j's {@code im2col} op cannot write this layout at speed (it is a permutation of the op's
 * {@code [mb, c, kH, kW, oH, oW]} order, and the op's strided path is ~10x slower than its contiguous one),
 * so the layout is written here, in Java, on heap arrays (the caller moves the off-heap data in and out with
 * bulk copies: element-wise NIO access costs a bounds check per float that the JIT does not remove). Every
 * loop runs over one sample's channel plane (which stays in L1) and writes or reads runs of {@code oH*oW}
 * contiguous floats.
 *
 * <p>Also the two reshuffles between the GEMM's {@code [oC, mb, oH*oW]} order and the NCHW activations'
 * {@code [mb, oC, oH*oW]} order (forward output with the bias added; backward delta with the bias gradient
 * summed on the way). All arrays are C-ordered and dense; offsets are in floats. Single-threaded.
 */
final class ChannelMajorColumns {
  private ChannelMajorColumns() {}

  /** The geometry of one convolution: input {@code [mb, c, h, w]}, kernel, stride, top-left padding, output. */
  record Geometry(int mb, int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, int oH, int oW) {
    /** Rows of the column matrix: {@code c*kH*kW}. */
    int rows() {
      return c * kH * kW;
    }

    /** Columns of the column matrix: {@code mb*oH*oW}. */
    int cols() {
      return mb * oH * oW;
    }

    /** First output row {@code oh} whose input row {@code oh*sH - pH + kh} is inside the image. */
    int ohFirst(int kh) {
      int lo = pH - kh;
      return lo <= 0 ? 0 : Math.min(oH, (lo + sH - 1) / sH);
    }

    /** One past the last output row whose input row is inside the image. */
    int ohEnd(int kh) {
      int hi = h - 1 + pH - kh;
      return hi < 0 ? 0 : Math.min(oH, hi / sH + 1);
    }

    /** First output column {@code ow} whose input column {@code ow*sW - pW + kw} is inside the image. */
    int owFirst(int kw) {
      int lo = pW - kw;
      return lo <= 0 ? 0 : Math.min(oW, (lo + sW - 1) / sW);
    }

    /** One past the last output column whose input column is inside the image. */
    int owEnd(int kw) {
      int hi = w - 1 + pW - kw; // largest ow*sW allowed
      return hi < 0 ? 0 : Math.min(oW, hi / sW + 1);
    }
  }

  /** Writes the column matrix of input {@code in} (at {@code inOff}) into {@code col} (at {@code colOff}). */
  static void im2col(Geometry g, float[] in, int inOff, float[] col, int colOff) {
    final int mb = g.mb, channels = g.c, h = g.h, w = g.w, kH = g.kH, kW = g.kW, sH = g.sH, sW = g.sW;
    final int pH = g.pH, pW = g.pW, oH = g.oH, oW = g.oW;
    final int p = oH * oW;
    final int cols = g.cols();
    for (int b = 0; b < mb; b++) {
      for (int c = 0; c < channels; c++) {
        final int plane = inOff + (b * channels + c) * h * w;
        for (int kh = 0; kh < kH; kh++) {
          final int ohLo = g.ohFirst(kh);
          final int ohHi = Math.max(ohLo, g.ohEnd(kh));
          for (int kw = 0; kw < kW; kw++) {
            final int rowStart = colOff + ((c * kH + kh) * kW + kw) * cols + b * p;
            final int owLo = g.owFirst(kw);
            final int owHi = Math.max(owLo, g.owEnd(kw));
            if (ohLo > 0) {
              java.util.Arrays.fill(col, rowStart, rowStart + ohLo * oW, 0f);
            }
            if (ohHi < oH) {
              java.util.Arrays.fill(col, rowStart + ohHi * oW, rowStart + p, 0f);
            }
            for (int oh = ohLo; oh < ohHi; oh++) {
              final int dst = rowStart + oh * oW;
              final int src = plane + (oh * sH - pH + kh) * w - pW + kw;
              for (int ow = 0; ow < owLo; ow++) {
                col[dst + ow] = 0f;
              }
              if (sW == 1) {
                System.arraycopy(in, src + owLo, col, dst + owLo, owHi - owLo);
              } else {
                for (int ow = owLo; ow < owHi; ow++) {
                  col[dst + ow] = in[src + ow * sW];
                }
              }
              for (int ow = owHi; ow < oW; ow++) {
                col[dst + ow] = 0f;
              }
            }
          }
        }
      }
    }
  }

  /**
   * The adjoint of {@link #im2col}: writes into {@code eps} ({@code [mb, c, h, w]} at {@code epsOff}) the sum,
   * for each input element, of the column-matrix entries {@code dcol} that were copied from it. {@code eps} is
   * overwritten (no need to zero it first).
   */
  static void col2im(Geometry g, float[] dcol, int dcolOff, float[] eps, int epsOff) {
    final int mb = g.mb, channels = g.c, h = g.h, w = g.w, kH = g.kH, kW = g.kW, sH = g.sH, sW = g.sW;
    final int pH = g.pH, pW = g.pW, oH = g.oH, oW = g.oW;
    final int p = oH * oW;
    final int cols = g.cols();
    final int planeSize = h * w;
    for (int b = 0; b < mb; b++) {
      for (int c = 0; c < channels; c++) {
        final int plane = epsOff + (b * channels + c) * planeSize;
        java.util.Arrays.fill(eps, plane, plane + planeSize, 0f);
        for (int kh = 0; kh < kH; kh++) {
          final int ohLo = g.ohFirst(kh);
          final int ohHi = Math.max(ohLo, g.ohEnd(kh));
          final int khRows = dcolOff + (c * kH + kh) * kW * cols + b * p;
          for (int oh = ohLo; oh < ohHi; oh++) {
            final int dstRow = plane + (oh * sH - pH + kh) * w - pW;
            for (int kw = 0; kw < kW; kw++) {
              final int src = khRows + kw * cols + oh * oW;
              final int dst = dstRow + kw;
              final int owLo = g.owFirst(kw);
              final int owHi = g.owEnd(kw);
              if (sW == 1) {
                for (int ow = owLo; ow < owHi; ow++) {
                  eps[dst + ow] += dcol[src + ow];
                }
              } else {
                for (int ow = owLo; ow < owHi; ow++) {
                  eps[dst + ow * sW] += dcol[src + ow];
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@code out[b, o, q] = y[o, b, q] + bias[o]}: the GEMM's {@code [oC, mb, p]} result into NCHW order
   * {@code [mb, oC, p]}, adding the bias.
   */
  static void toSampleMajor(float[] y, int yOff, float[] bias, float[] out, int outOff, int mb, int oC, int p) {
    for (int o = 0; o < oC; o++) {
      float bo = bias[o];
      int src = yOff + o * mb * p;
      for (int b = 0; b < mb; b++, src += p) {
        int dst = outOff + (b * oC + o) * p;
        for (int q = 0; q < p; q++) {
          out[dst + q] = y[src + q] + bo;
        }
      }
    }
  }

  /**
   * {@code deltaT[o, b, q] = delta[b, o, q]}: NCHW {@code [mb, oC, p]} into the GEMM's {@code [oC, mb, p]}
   * order; returns the bias gradient {@code sum over b, q of delta[b, o, q]} per output channel.
   */
  static double[] toChannelMajor(float[] delta, int deltaOff, float[] deltaT, int deltaTOff, int mb, int oC, int p) {
    double[] biasGrad = new double[oC];
    for (int o = 0; o < oC; o++) {
      int dst = deltaTOff + o * mb * p;
      double sum = 0;
      for (int b = 0; b < mb; b++, dst += p) {
        int src = deltaOff + (b * oC + o) * p;
        float rowSum = 0f;
        for (int q = 0; q < p; q++) {
          float v = delta[src + q];
          deltaT[dst + q] = v;
          rowSum += v;
        }
        sum += rowSum;
      }
      biasGrad[o] = sum;
    }
    return biasGrad;
  }
}
