package io.ringmaster.model;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backward pass of 2-D max pooling (NCHW, FLOAT, no dilation, any kernel, stride and padding) for DL4J's
 * {@code SubsamplingLayer}, in Java loops on heap copies of the arrays. DL4J's own path runs libnd4j's
 * {@code maxpool2d_bp} op, ~14% of a LeNet step once the convolutions were made fast. (The forward pass stays
 * DL4J's: see {@link #activate}.)
 *
 * <p>Same semantics as libnd4j: the window is clipped to the image (padding never wins the max), and the
 * backward pass gives each output's gradient to the <em>first</em> maximum of its window in row-major order
 * (so ties, e.g. zeros after a ReLU, go where DL4J sends them). The backward pass finds the maxima again from
 * the input it is given, so the helper keeps no state between calls: only heap scratch reused across calls.
 * Other pooling types, NHWC, dilation and other data types return null: DL4J's layer then runs its own path.
 * One instance per layer; not thread-safe (neither is the layer).
 */
final class MaxPoolHelper implements SubsamplingHelper {
  /** Heap scratch: the input, the output or incoming gradient, the input's gradient. */
  private float[] image;
  private float[] pooled;
  private float[] grad;

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    return Map.of("scratch", 4L * (length(image) + length(pooled) + length(grad)));
  }

  /** The window geometry: input {@code [mb*c planes, h, w]}, kernel, stride, top-left padding, output size. */
  private record Window(int planes, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, int oH, int oW) {
    boolean isTwoByTwoStrideTwo() {
      return kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0;
    }
  }

  /**
   * Not used: DL4J 1.0.0-M2.1's {@code SubsamplingLayer.activate} never calls its helper (it always runs
   * libnd4j's pooling op, ~4% of a LeNet step), so the forward pass stays DL4J's and this returns null.
   */
  @Override
  public INDArray activate(INDArray input, boolean training, int[] kernel, int[] strides, int[] pad,
      PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
      LayerWorkspaceMgr workspaceMgr) {
    return null;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, int[] kernel, int[] strides,
      int[] pad, PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
      LayerWorkspaceMgr workspaceMgr) {
    Window win = window(input, kernel, strides, pad, poolingType, convolutionMode, dilation, format);
    if (win == null || epsilon.rank() != 4 || epsilon.size(2) != win.oH || epsilon.size(3) != win.oW) {
      return null;
    }
    int inLength = read(input);
    INDArray e = contiguous(epsilon);
    int outLength = win.planes * win.oH * win.oW;
    pooled = heap(pooled, outLength);
    floats(e).get((int) e.offset(), pooled, 0, outLength);
    grad = heap(grad, inLength);
    if (win.isTwoByTwoStrideTwo()) {
      backpropTwoByTwo(win);
    } else {
      Arrays.fill(grad, 0, inLength, 0f);
      for (int plane = 0; plane < win.planes; plane++) {
        int in = plane * win.h * win.w;
        int out = plane * win.oH * win.oW;
        for (int oh = 0; oh < win.oH; oh++) {
          int h0 = Math.max(0, oh * win.sH - win.pH);
          int h1 = Math.min(win.h, oh * win.sH - win.pH + win.kH);
          for (int ow = 0; ow < win.oW; ow++) {
            int w0 = Math.max(0, ow * win.sW - win.pW);
            int w1 = Math.min(win.w, ow * win.sW - win.pW + win.kW);
            if (h0 >= h1 || w0 >= w1) {
              continue;
            }
            // branch-free (conditional moves): which element of a window is largest is unpredictable
            int at = in + h0 * win.w + w0;
            float max = image[at];
            for (int ih = h0; ih < h1; ih++) {
              int row = in + ih * win.w;
              for (int iw = w0; iw < w1; iw++) {
                float v = image[row + iw];
                boolean larger = v > max;
                at = larger ? row + iw : at;
                max = larger ? v : max;
              }
            }
            grad[at] += pooled[out + oh * win.oW + ow];
          }
        }
      }
    }
    INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    floats(eps).put((int) eps.offset(), grad, 0, inLength);
    return new Pair<>(new DefaultGradient(), eps);
  }

  /**
   * The usual pooling (2x2 windows, stride 2, no padding; the windows tile the image without overlapping), as
   * straight-line code: the generic loops spent ~5 ns per input element on two-iteration loops here. Each
   * window's first maximum gets the gradient, the other three elements 0 (so no zero-fill is needed; an odd
   * last row or column, which no window covers, is zeroed separately).
   */
  private void backpropTwoByTwo(Window win) {
    int h = win.h;
    int w = win.w;
    for (int plane = 0; plane < win.planes; plane++) {
      int in = plane * h * w;
      int out = plane * win.oH * win.oW;
      if (h != 2 * win.oH || w != 2 * win.oW) {
        Arrays.fill(grad, in, in + h * w, 0f);
      }
      for (int oh = 0; oh < win.oH; oh++) {
        int r0 = in + 2 * oh * w;
        int r1 = r0 + w;
        for (int ow = 0; ow < win.oW; ow++) {
          int i0 = r0 + 2 * ow;
          int i1 = r1 + 2 * ow;
          float a = image[i0];
          float b = image[i0 + 1];
          float c = image[i1];
          float d = image[i1 + 1];
          float e = pooled[out + oh * win.oW + ow];
          // the first maximum in row-major order, without branches (which element wins is unpredictable:
          // compare-and-branch code mispredicted ~3 times per window): all-ones masks from integer bits
          float max = Math.max(Math.max(a, b), Math.max(c, d));
          int isA = atMax(max, a);
          int isB = atMax(max, b) & ~isA;
          int isC = atMax(max, c) & ~isA & ~isB;
          int isD = ~(isA | isB | isC);
          int bits = Float.floatToRawIntBits(e);
          grad[i0] = Float.intBitsToFloat(bits & isA);
          grad[i0 + 1] = Float.intBitsToFloat(bits & isB);
          grad[i1] = Float.intBitsToFloat(bits & isC);
          grad[i1 + 1] = Float.intBitsToFloat(bits & isD);
        }
      }
    }
  }

  /**
   * All ones when {@code v} equals the window's maximum {@code max >= v}, else 0: {@code max - v} is +0.0 (all
   * bits 0) exactly then, for finite values (also for -0.0 against +0.0, which {@code >} does not tell apart
   * either).
   */
  private static int atMax(float max, float v) {
    int diff = Float.floatToRawIntBits(max - v);
    return ((diff | -diff) >> 31) ^ -1;
  }

  /** Copies {@code input} into {@link #image}; returns its length. */
  private int read(INDArray input) {
    INDArray in = contiguous(input);
    int length = (int) in.length();
    image = heap(image, length);
    floats(in).get((int) in.offset(), image, 0, length);
    return length;
  }

  private static Window window(INDArray input, int[] kernel, int[] strides, int[] pad, PoolingType type,
      ConvolutionMode mode, int[] dilation, CNN2DFormat format) {
    if (type != PoolingType.MAX || format != CNN2DFormat.NCHW || input.dataType() != DataType.FLOAT
        || input.rank() != 4 || input.size(0) == 0 || dilation[0] != 1 || dilation[1] != 1
        || mode == ConvolutionMode.Causal || input.length() >= Integer.MAX_VALUE) {
      return null;
    }
    int h = (int) input.size(2);
    int w = (int) input.size(3);
    int oH;
    int oW;
    if (mode == ConvolutionMode.Same) {
      oH = (h + strides[0] - 1) / strides[0];
      oW = (w + strides[1] - 1) / strides[1];
    } else {
      oH = (h + 2 * pad[0] - kernel[0]) / strides[0] + 1;
      oW = (w + 2 * pad[1] - kernel[1]) / strides[1] + 1;
    }
    if (oH < 1 || oW < 1) {
      return null;
    }
    int planes = (int) (input.size(0) * input.size(1));
    return new Window(planes, h, w, kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], oH, oW);
  }

  private static INDArray contiguous(INDArray a) {
    return a.ordering() == 'c' && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c')) ? a : a.dup('c');
  }

  private static long length(float[] a) {
    return a == null ? 0 : a.length;
  }

  private static float[] heap(float[] a, int length) {
    return a != null && a.length >= length ? a : new float[length];
  }

  private static FloatBuffer floats(INDArray a) {
    return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
