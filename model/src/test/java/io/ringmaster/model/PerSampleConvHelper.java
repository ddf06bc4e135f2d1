package io.ringmaster.model;

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The previous round's convolution helper, kept in tests as the baseline {@link Conv2dSpeedMain} alternates
 * with (the engine now installs {@link BatchedConvHelper}). A 2-D convolution (NCHW, no dilation) for DL4J's {@code ConvolutionLayer} whose column array is
 * <em>contiguous</em>: libnd4j's {@code im2col} into a C-ordered {@code [mb, c, kH, kW, oH, oW]} array takes
 * its fast loop (measured ~11 ms for LeNet's second convolution at batch 128 against ~100 ms when it
 * writes into the permuted view DL4J's own path uses), then one GEMM per sample:
 * {@code out[b] = W[oC, c*kH*kW] x col[b][c*kH*kW, oH*oW]}.
 *
 * <p>Backward, with {@code delta = dL/dz} (DL4J applies the activation's derivative before calling):
 * {@code dW = sum_b delta[b] x col[b]^T} (accumulated in the layer's gradient view, so the flattened
 * gradient is written in place), {@code db = sum over b, oH, oW of delta}, {@code dcol[b] = W^T x delta[b]},
 * then {@code col2im} (contiguous again) gives the epsilon for the layer below.
 *
 * <p>The column array of the last forward pass is kept (outside workspaces, reused while the batch size
 * does not change) and reused by the backward pass when it sees the same input array: DL4J's layer
 * recomputes the forward pass right before calling {@link #backpropGradient}, so that is the usual case.
 * One instance per layer; not thread-safe (neither is the layer).
 */
final class PerSampleConvHelper implements ConvolutionHelper {
  private INDArray col;
  private INDArray colInput;
  private INDArray dcol;
  /** Per-sample {@code [c*kH*kW, oH*oW]} views of {@link #col} and {@link #dcol}, made once per shape. */
  private INDArray[] colViews;
  private INDArray[] dcolViews;

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    long bytes = (col == null ? 0 : col.length() * 4) + (dcol == null ? 0 : dcol.length() * 4);
    return Map.of("columns", bytes);
  }

  /** Whether this helper computes a layer of these settings (otherwise another path must). */
  static boolean supports(CNN2DFormat format, int[] dilation, ConvolutionMode mode) {
    return format == CNN2DFormat.NCHW && dilation[0] == 1 && dilation[1] == 1 && mode != ConvolutionMode.Causal;
  }

  @Override
  public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
      AlgoMode algoMode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
      LayerWorkspaceMgr workspaceMgr) {
    if (input.dataType() != DataType.FLOAT || !supports(format, dilation, convolutionMode)) {
      return null;
    }
    int mb = (int) input.size(0);
    if (mb == 0) {
      return null;
    }
    int outC = (int) weights.size(0);
    int kH = (int) weights.size(2);
    int kW = (int) weights.size(3);
    int inC = (int) weights.size(1);
    int[] outSize = outSize(input, kH, kW, strides, pad, convolutionMode);
    int p = outSize[0] * outSize[1];
    int ckk = inC * kH * kW;

    INDArray columns = columns(input, kH, kW, strides, pad, convolutionMode, outSize);
    INDArray w2d = weights.reshape('c', outC, ckk);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
        new long[] {mb, outC, outSize[0], outSize[1]}, 'c');
    for (int b = 0; b < mb; b++) {
      INDArray colB = colViews[b];
      INDArray outB = view(out, (long) b * outC * p, outC, p);
      Nd4j.gemm(w2d, colB, outB, false, false, 1.0, 0.0);
    }
    Nd4j.getExecutioner().exec(new BroadcastAddOp(out, bias.reshape(outC), out, 1));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
      int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView, IActivation afn,
      AlgoMode algoMode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode,
      int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
    if (input.dataType() != DataType.FLOAT || !supports(format, dilation, convolutionMode)) {
      return null;
    }
    int mb = (int) input.size(0);
    if (mb == 0) {
      return null;
    }
    int inC = (int) input.size(1);
    int inH = (int) input.size(2);
    int inW = (int) input.size(3);
    int outC = (int) weights.size(0);
    int kH = (int) weights.size(2);
    int kW = (int) weights.size(3);
    int[] outSize = outSize(input, kH, kW, strides, pad, convolutionMode);
    int p = outSize[0] * outSize[1];
    int ckk = inC * kH * kW;

    INDArray columns = colInput == input && col != null && col.size(0) == mb ? col
        : columns(input, kH, kW, strides, pad, convolutionMode, outSize);
    INDArray d = java.util.Arrays.equals(delta.stride(), Nd4j.getStrides(delta.shape(), 'c')) ? delta : delta.dup('c');
    INDArray w2d = weights.reshape('c', outC, ckk);
    INDArray dW2d = weightGradView.reshape('c', outC, ckk);
    if (dcol == null || !java.util.Arrays.equals(dcol.shape(), columns.shape())) {
      try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        dcol = Nd4j.createUninitialized(DataType.FLOAT, columns.shape(), 'c');
        dcolViews = sampleViews(dcol, mb, ckk, p);
      }
    }
    for (int b = 0; b < mb; b++) {
      INDArray deltaB = view(d, (long) b * outC * p, outC, p);
      Nd4j.gemm(deltaB, colViews[b], dW2d, false, true, 1.0, b == 0 ? 0.0 : 1.0);
      Nd4j.gemm(w2d, deltaB, dcolViews[b], true, false, 1.0, 0.0);
    }
    if (weightGradView.data() != dW2d.data() || weightGradView.offset() != dW2d.offset()) {
      weightGradView.assign(dW2d.reshape(weightGradView.shape()));
    }
    biasGradView.assign(d.sum(0, 2, 3).reshape(biasGradView.shape()));

    INDArray eps = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {mb, inC, inH, inW}, 'c');
    Convolution.col2im(dcol, eps, strides[0], strides[1], pad[0], pad[1], inH, inW, 1, 1);

    Gradient g = new DefaultGradient();
    g.gradientForVariable().put("b", biasGradView);
    g.gradientForVariable().put("W", weightGradView);
    return new Pair<>(g, eps);
  }

  @Override
  public INDArray activate(INDArray z, IActivation afn, boolean training) {
    return afn.getActivation(z, training);
  }

  /** im2col of {@code input} into the kept contiguous {@code [mb, c, kH, kW, oH, oW]} array. */
  private INDArray columns(INDArray input, int kH, int kW, int[] strides, int[] pad, ConvolutionMode mode,
      int[] outSize) {
    long[] shape = {input.size(0), input.size(1), kH, kW, outSize[0], outSize[1]};
    if (col == null || !java.util.Arrays.equals(col.shape(), shape)) {
      try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        col = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        colViews = sampleViews(col, (int) shape[0], (int) (shape[1] * shape[2] * shape[3]), outSize[0] * outSize[1]);
      }
    }
    Convolution.im2col(input, kH, kW, strides[0], strides[1], pad[0], pad[1], 1, 1, mode == ConvolutionMode.Same,
        col);
    colInput = input;
    return col;
  }

  private static int[] outSize(INDArray input, int kH, int kW, int[] strides, int[] pad, ConvolutionMode mode) {
    long h = input.size(2);
    long w = input.size(3);
    if (mode == ConvolutionMode.Same) {
      return new int[] {(int) ((h + strides[0] - 1) / strides[0]), (int) ((w + strides[1] - 1) / strides[1])};
    }
    return new int[] {(int) ((h + 2L * pad[0] - kH) / strides[0] + 1), (int) ((w + 2L * pad[1] - kW) / strides[1] + 1)};
  }

  private static INDArray[] sampleViews(INDArray a, int samples, int rows, int cols) {
    INDArray[] views = new INDArray[samples];
    for (int b = 0; b < samples; b++) {
      views[b] = view(a, (long) b * rows * cols, rows, cols);
    }
    return views;
  }

  /** A C-ordered {@code rows x cols} matrix over {@code a}'s buffer, starting {@code offset} elements in. */
  private static INDArray view(INDArray a, long offset, int rows, int cols) {
    return Nd4j.create(a.data(), new long[] {rows, cols}, new long[] {cols, 1}, a.offset() + offset, 'c');
  }
}
