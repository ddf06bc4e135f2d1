package io.ringmaster.model;

import java.nio.FloatBuffer;

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
 * so the layout is written here, in Java, over NIO views of the arrays' off-heap memory. Every loop runs over
 * one sample's channel plane (which stays in L1) and writes or reads runs of {@code oH*oW} contiguous floats.
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
  static void im2col(Geometry g, FloatBuffer in, int inOff, FloatBuffer col, int colOff) {
    int p = g.oH * g.oW;
    int cols = g.cols();
    for (int b = 0; b < g.mb; b++) {
      for (int c = 0; c < g.c; c++) {
        int plane = inOff + (b * g.c + c) * g.h * g.w;
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++) {
            int row = (c * g.kH + kh) * g.kW + kw;
            int dst = colOff + row * cols + b * p;
            int owLo = g.owFirst(kw);
            int owHi = Math.max(owLo, g.owEnd(kw));
            for (int oh = 0; oh < g.oH; oh++, dst += g.oW) {
              int ih = oh * g.sH - g.pH + kh;
              if (ih < 0 || ih >= g.h) {
                for (int ow = 0; ow < g.oW; ow++) {
                  col.put(dst + ow, 0f);
                }
                continue;
              }
              int src = plane + ih * g.w - g.pW + kw;
              for (int ow = 0; ow < owLo; ow++) {
                col.put(dst + ow, 0f);
              }
              if (g.sW == 1) {
                for (int ow = owLo; ow < owHi; ow++) {
                  col.put(dst + ow, in.get(src + ow));
                }
              } else {
                for (int ow = owLo; ow < owHi; ow++) {
                  col.put(dst + ow, in.get(src + ow * g.sW));
                }
              }
              for (int ow = owHi; ow < g.oW; ow++) {
                col.put(dst + ow, 0f);
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
  static void col2im(Geometry g, FloatBuffer dcol, int dcolOff, FloatBuffer eps, int epsOff) {
    int p = g.oH * g.oW;
    int cols = g.cols();
    int planeSize = g.h * g.w;
    for (int b = 0; b < g.mb; b++) {
      for (int c = 0; c < g.c; c++) {
        int plane = epsOff + (b * g.c + c) * planeSize;
        for (int i = 0; i < planeSize; i++) {
          eps.put(plane + i, 0f);
        }
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++) {
            int row = (c * g.kH + kh) * g.kW + kw;
            int srcRow = dcolOff + row * cols + b * p;
            int owLo = g.owFirst(kw);
            int owHi = Math.max(owLo, g.owEnd(kw));
            for (int oh = 0; oh < g.oH; oh++) {
              int ih = oh * g.sH - g.pH + kh;
              if (ih < 0 || ih >= g.h) {
                continue;
              }
              int src = srcRow + oh * g.oW;
              int dst = plane + ih * g.w - g.pW + kw;
              for (int ow = owLo; ow < owHi; ow++) {
                int d = dst + ow * g.sW;
                eps.put(d, eps.get(d) + dcol.get(src + ow));
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
  static void toSampleMajor(FloatBuffer y, int yOff, FloatBuffer bias, int biasOff, FloatBuffer out, int outOff,
      int mb, int oC, int p) {
    for (int o = 0; o < oC; o++) {
      float bo = bias.get(biasOff + o);
      int src = yOff + o * mb * p;
      for (int b = 0; b < mb; b++, src += p) {
        int dst = outOff + (b * oC + o) * p;
        for (int q = 0; q < p; q++) {
          out.put(dst + q, y.get(src + q) + bo);
        }
      }
    }
  }

  /**
   * {@code deltaT[o, b, q] = delta[b, o, q]}: NCHW {@code [mb, oC, p]} into the GEMM's {@code [oC, mb, p]}
   * order; returns the bias gradient {@code sum over b, q of delta[b, o, q]} per output channel.
   */
  static double[] toChannelMajor(FloatBuffer delta, int deltaOff, FloatBuffer deltaT, int deltaTOff, int mb, int oC,
      int p) {
    double[] biasGrad = new double[oC];
    for (int o = 0; o < oC; o++) {
      int dst = deltaTOff + o * mb * p;
      double sum = 0;
      for (int b = 0; b < mb; b++, dst += p) {
        int src = deltaOff + (b * oC + o) * p;
        float rowSum = 0f;
        for (int q = 0; q < p; q++) {
          float v = delta.get(src + q);
          deltaT.put(dst + q, v);
          rowSum += v;
        }
        sum += rowSum;
      }
      biasGrad[o] = sum;
    }
    return biasGrad;
  }
}
