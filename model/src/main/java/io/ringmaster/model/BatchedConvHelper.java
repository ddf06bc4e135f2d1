package io.ringmaster.model;

import io.ringmaster.model.ChannelMajorColumns.Geometry;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution (NCHW, FLOAT, no dilation) for DL4J's {@code ConvolutionLayer} with <b>one GEMM per
 * layer and direction</b> over the whole minibatch, in the {@link ChannelMajorColumns channel-major column
 * layout} {@code col = [c*kH*kW, mb*oH*oW]}, {@code W = [oC, c*kH*kW]}:
 * <ul>
 *   <li>forward: {@code Y = W x col} ({@code [oC, mb*oH*oW]}), then {@code out[b, o] = Y[o, b] + bias[o]};
 *   <li>backward, with {@code delta = dL/dz} ({@code [mb, oC, oH, oW]}, DL4J applies the activation's
 *       derivative before calling) reordered to {@code D = [oC, mb*oH*oW]}: {@code dW = D x col^T} (written
 *       into the layer's gradient view, so the flattened gradient the ring sums is laid out as before),
 *       {@code db = row sums of D}, {@code dcol = W^T x D}, then {@code col2im(dcol)} is the epsilon for the
 *       layer below.
 * </ul>
 *
 * <h2>The forward pass is not computed twice</h2>
 * DL4J's layer recomputes its pre-activation at the start of {@code backpropGradient} (it calls
 * {@link #preOutput} again with the same input). The layer's calls tell the two apart only by what follows:
 * a forward pass calls {@link #activate} right after {@code preOutput}, a backward pass calls
 * {@link #backpropGradient}. So this helper keeps, per layer, the state of its last call:
 * <ol>
 *   <li>{@code preOutput(x)} computes the columns of {@code x} and {@code z}, and remembers both;
 *   <li>{@code activate(z, training = true)} on that {@code z} <em>keeps</em> it for the backward pass (the array
 *       itself when the activation is the identity, whose derivative ignores its input; a copy otherwise,
 *       because activations work in place on {@code z});
 *   <li>the next {@code preOutput(x)} with the very same input array, weights and bias arrays is answered with
 *       the kept {@code z}, without computing anything ("served");
 *   <li>{@code backpropGradient(x)} then reuses the columns of {@code x}; whatever happens, it ends the keep.
 * </ol>
 * If a served {@code z} goes to {@link #activate} instead (a new forward pass over the same input array, for
 * example after {@code feedForward(x, true)} without a backward pass and a parameter change), {@code activate}
 * computes the pre-activation for real before using it, so a served array never reaches a layer above. An
 * inference pass ({@code training = false}) or any other input ends the keep. What this relies on: DL4J does
 * not change the parameters or the input between a training forward pass and the backward pass that follows
 * it (it does not; the layer calls {@code preOutput} from {@code activate} and {@code backpropGradient} only).
 * With the network's {@code CacheMode} on, DL4J keeps the pre-activation itself, never asks this helper for
 * it in the backward pass, and reads a forward pass's {@code z} before {@code activate}: {@link Conv2dOps}
 * then creates the helper without the keep.
 *
 * <p>Memory (outside ND4J workspaces, reallocated when the batch size changes): the column matrix, whose
 * buffer also takes its gradient ({@code c*kH*kW x mb*oH*oW} floats), one {@code [oC, mb*oH*oW]} matrix
 * shared by the forward result and the reordered delta, and, for activations other than the identity, a
 * copy of {@code z}; on the heap, scratch for the Java loops: one matrix of
 * {@code max(c*kH*kW, oC) x mb*oH*oW} floats, one of {@code oC x mb*oH*oW} and one input-sized array.
 * One instance per layer; not thread-safe (neither is the layer).
 */
final class BatchedConvHelper implements ConvolutionHelper {
  private final boolean keepForBackward;
  /** The column matrix, then (in the backward pass, once {@code dW} is computed) its gradient. */
  private INDArray col;
  private INDArray channelMajor;
  private INDArray zCopy;
  /**
   * Heap scratch for the Java loops: {@code wide} holds a column matrix or a {@code [oC, mb*oH*oW]} matrix,
   * {@code narrow} a {@code [oC, mb*oH*oW]} one, {@code image} one input-sized array.
   */
  private float[] wide;
  private float[] narrow;
  private float[] image;
  /** The input array {@link #col} holds the columns of. */
  private INDArray colInput;

  /** Arguments and result of the last {@link #preOutput} call (its {@code out} or the served array). */
  private Call last;
  /** The pre-activation kept for the backward pass, or null. */
  private INDArray kept;
  /** Whether the last {@link #preOutput} answered with {@link #kept}. */
  private boolean served;
  /** How many times the forward pass was computed (not served), for tests. */
  private long forwardPasses;

  /** One {@link #preOutput} call's arguments, enough to compute it again. */
  private record Call(INDArray input, INDArray weights, INDArray bias, int[] strides, int[] pad,
      ConvolutionMode mode, LayerWorkspaceMgr workspaceMgr, INDArray out) {}

  /**
   * @param keepForBackward whether to keep the training forward pass's pre-activation for the backward pass;
   *     false when the network's {@code CacheMode} is on (DL4J then keeps it itself)
   */
  BatchedConvHelper(boolean keepForBackward) {
    this.keepForBackward = keepForBackward;
  }

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    return Map.of("columns", bytes(col) + bytes(channelMajor) + bytes(zCopy)
        + 4L * (length(wide) + length(narrow) + length(image)));
  }

  /** Whether this helper computes a layer of these settings (otherwise another path must). */
  static boolean supports(CNN2DFormat format, int[] dilation, ConvolutionMode mode) {
    return format == CNN2DFormat.NCHW && dilation[0] == 1 && dilation[1] == 1 && mode != ConvolutionMode.Causal;
  }

  @Override
  public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
      AlgoMode algoMode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
      LayerWorkspaceMgr workspaceMgr) {
    if (!applicable(input, format, dilation, convolutionMode)
        || geometry(input, weights, strides, pad, convolutionMode) == null) {
      forget();
      return null;
    }
    if (kept != null && last.input == input && last.weights == weights && last.bias == bias) {
      served = true;
      last = new Call(input, weights, bias, strides, pad, convolutionMode, workspaceMgr, kept);
      return kept;
    }
    forget();
    INDArray out = forward(input, weights, bias, strides, pad, convolutionMode, workspaceMgr);
    last = new Call(input, weights, bias, strides, pad, convolutionMode, workspaceMgr, out);
    return out;
  }

  @Override
  public INDArray activate(INDArray z, IActivation afn, boolean training) {
    if (served && z == kept) {
      // the kept array answered a forward pass, not a backward one: compute the pre-activation for real
      z = forward(last.input, last.weights, last.bias, last.strides, last.pad, last.mode, last.workspaceMgr);
      last = new Call(last.input, last.weights, last.bias, last.strides, last.pad, last.mode, last.workspaceMgr, z);
    }
    served = false;
    kept = null;
    if (keepForBackward && training && last != null && z == last.out) {
      kept = afn instanceof ActivationIdentity ? z : copyOf(z);
    }
    return afn.getActivation(z, training);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
      int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView, IActivation afn,
      AlgoMode algoMode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode,
      int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
    served = false;
    kept = null;
    Geometry g = applicable(input, format, dilation, convolutionMode)
        ? geometry(input, weights, strides, pad, convolutionMode) : null;
    if (g == null) {
      return null;
    }
    int oC = (int) weights.size(0);
    int p = g.oH() * g.oW();
    if (colInput != input || !hasShape(col, g.rows(), g.cols())) {
      columns(input, g);
    }
    INDArray d = contiguous(delta);
    int n = oC * g.cols();
    narrow = heap(narrow, n);
    wide = heap(wide, Math.max(g.rows(), oC) * g.cols());
    floats(d).get((int) d.offset(), narrow, 0, n);
    double[] biasGrad = ChannelMajorColumns.toChannelMajor(narrow, 0, wide, 0, g.mb(), oC, p);
    channelMajor = ensure(channelMajor, oC, g.cols());
    floats(channelMajor).put(0, wide, 0, n);

    INDArray w2d = weights.reshape('c', oC, g.rows());
    INDArray dW2d = weightGradView.reshape('c', oC, g.rows());
    Nd4j.gemm(channelMajor, col, dW2d, false, true, 1.0, 0.0);
    if (weightGradView.data() != dW2d.data() || weightGradView.offset() != dW2d.offset()) {
      weightGradView.assign(dW2d.reshape(weightGradView.shape()));
    }
    FloatBuffer bg = floats(biasGradView);
    for (int o = 0; o < oC; o++) {
      bg.put((int) biasGradView.offset() + o, (float) biasGrad[o]);
    }

    // the columns are used up: their buffer takes the column gradient (the next pass computes them again)
    INDArray dcol = col;
    colInput = null;
    Nd4j.gemm(w2d, channelMajor, dcol, true, false, 1.0, 0.0);
    int k = g.rows() * g.cols();
    floats(dcol).get(0, wide, 0, k);
    int imageLength = g.mb() * g.c() * g.h() * g.w();
    image = heap(image, imageLength);
    ChannelMajorColumns.col2im(g, wide, 0, image, 0);
    INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
        new long[] {g.mb(), g.c(), g.h(), g.w()}, 'c');
    floats(eps).put((int) eps.offset(), image, 0, imageLength);

    Gradient grad = new DefaultGradient();
    grad.gradientForVariable().put("b", biasGradView);
    grad.gradientForVariable().put("W", weightGradView);
    return new Pair<>(grad, eps);
  }

  /** {@code z = W x columns(input) + bias}, NCHW, in the workspace's activations. */
  private INDArray forward(INDArray input, INDArray weights, INDArray bias, int[] strides, int[] pad,
      ConvolutionMode mode, LayerWorkspaceMgr workspaceMgr) {
    Geometry g = geometry(input, weights, strides, pad, mode);
    int oC = (int) weights.size(0);
    forwardPasses++;
    columns(input, g);
    channelMajor = ensure(channelMajor, oC, g.cols());
    Nd4j.gemm(weights.reshape('c', oC, g.rows()), col, channelMajor, false, false, 1.0, 0.0);
    int n = oC * g.cols();
    wide = heap(wide, Math.max(g.rows(), oC) * g.cols());
    narrow = heap(narrow, n);
    floats(channelMajor).get(0, wide, 0, n);
    INDArray b = contiguous(bias);
    float[] biasValues = new float[oC];
    floats(b).get((int) b.offset(), biasValues);
    ChannelMajorColumns.toSampleMajor(wide, 0, biasValues, narrow, 0, g.mb(), oC, g.oH() * g.oW());
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
        new long[] {g.mb(), oC, g.oH(), g.oW()}, 'c');
    floats(out).put((int) out.offset(), narrow, 0, n);
    return out;
  }

  long forwardPasses() {
    return forwardPasses;
  }

  private void columns(INDArray input, Geometry g) {
    INDArray in = contiguous(input);
    int imageLength = g.mb() * g.c() * g.h() * g.w();
    image = heap(image, imageLength);
    floats(in).get((int) in.offset(), image, 0, imageLength);
    int k = g.rows() * g.cols();
    wide = heap(wide, k);
    ChannelMajorColumns.im2col(g, image, 0, wide, 0);
    col = ensure(col, g.rows(), g.cols());
    floats(col).put(0, wide, 0, k);
    colInput = input;
  }

  private void forget() {
    last = null;
    kept = null;
    served = false;
  }

  private INDArray copyOf(INDArray z) {
    if (zCopy == null || !Arrays.equals(zCopy.shape(), z.shape())) {
      try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        zCopy = Nd4j.createUninitialized(DataType.FLOAT, z.shape(), 'c');
      }
    }
    return zCopy.assign(z);
  }

  private static boolean applicable(INDArray input, CNN2DFormat format, int[] dilation, ConvolutionMode mode) {
    return input.dataType() == DataType.FLOAT && input.rank() == 4 && input.size(0) > 0
        && supports(format, dilation, mode);
  }

  /** The convolution's geometry, or null when its column matrix would not fit int indexing. */
  private static Geometry geometry(INDArray input, INDArray weights, int[] strides, int[] pad, ConvolutionMode mode) {
    long h = input.size(2);
    long w = input.size(3);
    long kH = weights.size(2);
    long kW = weights.size(3);
    long oH;
    long oW;
    if (mode == ConvolutionMode.Same) {
      oH = (h + strides[0] - 1) / strides[0];
      oW = (w + strides[1] - 1) / strides[1];
    } else {
      oH = (h + 2L * pad[0] - kH) / strides[0] + 1;
      oW = (w + 2L * pad[1] - kW) / strides[1] + 1;
    }
    long rows = input.size(1) * kH * kW;
    long cols = input.size(0) * oH * oW;
    if (oH < 1 || oW < 1 || rows * cols >= Integer.MAX_VALUE || input.length() >= Integer.MAX_VALUE
        || weights.size(0) * cols >= Integer.MAX_VALUE) {
      return null;
    }
    return new Geometry((int) input.size(0), (int) input.size(1), (int) h, (int) w, (int) kH, (int) kW, strides[0],
        strides[1], pad[0], pad[1], (int) oH, (int) oW);
  }

  /** {@code a}, or a dense C-ordered copy of it. */
  private static INDArray contiguous(INDArray a) {
    return a.ordering() == 'c' && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c')) ? a : a.dup('c');
  }

  /** {@code a} if it holds at least {@code length} floats, else a new array of that length. */
  private static float[] heap(float[] a, int length) {
    return a != null && a.length >= length ? a : new float[length];
  }

  /** A {@code rows x cols} C-ordered array outside workspaces: {@code a} if it has that shape, else a new one. */
  private static INDArray ensure(INDArray a, int rows, int cols) {
    if (hasShape(a, rows, cols)) {
      return a;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      return Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
    }
  }

  private static boolean hasShape(INDArray a, int rows, int cols) {
    return a != null && a.size(0) == rows && a.size(1) == cols;
  }

  /** The whole data buffer of {@code a} as floats in native order (index it from {@code a.offset()}). */
  private static FloatBuffer floats(INDArray a) {
    return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static long length(float[] a) {
    return a == null ? 0 : a.length;
  }

  private static long bytes(INDArray a) {
    return a == null ? 0 : a.length() * Float.BYTES;
  }
}
