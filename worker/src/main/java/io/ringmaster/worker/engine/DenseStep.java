package io.ringmaster.worker.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The forward and backward pass of a network made only of dense layers with a softmax / cross-entropy
 * output layer (the built-in {@code mlp} and JSON models of the same shape), computing every product once.
 *
 * <p>Why: DL4J's {@code computeGradientAndScore} recomputes each layer's pre-activation inside its backward
 * pass, computes the output layer's pre-activation a third time for the score, and computes the gradient
 * with respect to the network's input, which nothing uses. For 784-256-128-10 at batch 128 that is 12 GEMMs
 * per step where 8 are needed, and the four extra ones include the two largest (~0.6 ms each here).
 *
 * <p>A step here, for a batch of {@code n} rows ({@code x} is {@code [n, nIn]}, C order):
 * <ol>
 *   <li>forward, per layer: {@code z = a·W} (one BLAS {@code sgemm} straight on the layer's parameter view),
 *       {@code z += b} (one {@code sger} with a vector of ones), then the activation: hidden layers keep
 *       {@code z} and write the activation into a copy; the output layer applies softmax in place;
 *   <li>the loss and the output's gradient in Java over the {@code n x classes} probabilities: clip as DL4J's
 *       {@link LossMCXENT} does ({@code softmaxClipEps}), {@code loss -= log p[k, label]} and
 *       {@code p[k, label] -= 1}, which is MCXENT's gradient with respect to the softmax's input;
 *   <li>backward, per layer from the output down: {@code dW = a^T·delta} and {@code db = delta^T·1} straight
 *       into the layer's views of the network's flat gradient (the head of the reduce buffer), and, except
 *       for the first layer, {@code delta' = act'(z)·(delta·W^T)}: for plain ReLU as {@code a > 0 ? eps : 0}
 *       in Java, for other activations through DL4J's own activation function.
 * </ol>
 * The gradient is the same SUM over the batch DL4J computes (not divided by {@code n}); the updater is
 * untouched. Results equal DL4J's path up to float rounding (the products are the same OpenBLAS calls,
 * sums run in another order); replicas stay bit-identical with each other.
 *
 * <p>Memory: per layer one {@code [maxBatch, nOut]} array for the pre-activation, one for the activation
 * (hidden layers) and one for the back-propagated error, allocated once outside ND4J workspaces; smaller
 * batches use their first rows. Not thread-safe (one replica, one thread).
 *
 * <p>{@link #supports} says which networks qualify; others keep DL4J's path. The system property
 * {@value #DISABLE_PROPERTY}{@code =true} turns this path off (for comparisons).
 */
final class DenseStep {
  /** Set to {@code true} to keep DL4J's own forward/backward pass for dense networks. */
  static final String DISABLE_PROPERTY = "ringmaster.denseStep.disable";

  private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
  private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
  private static final int TRANS = openblas_nolapack.CblasTrans;

  /** One layer: its sizes, activation and pointers into the network's parameters and flat gradient. */
  private static final class DenseLayerPlan {
    final int nIn;
    final int nOut;
    final boolean hasBias;
    final IActivation activation;
    final boolean plainRelu;
    /** W in DL4J's layout: f order {@code [nIn, nOut]}, i.e. row-major {@code [nOut, nIn]}. */
    final FloatPointer w;
    final FloatPointer b;
    final FloatPointer dW;
    final FloatPointer dB;
    /** Pre-activation {@code [maxBatch, nOut]}, C order. */
    final INDArray z;
    final FloatPointer zPtr;
    /** Activation of hidden layers (null for the output layer), C order. */
    final INDArray a;
    final FloatPointer aPtr;
    /** Error with respect to this layer's activation, from the layer above (null for the output layer). */
    final INDArray eps;
    final FloatPointer epsPtr;
    /** Plain-ReLU hidden layers: NIO views of {@code a} and {@code eps}, and Java scratch arrays. */
    final FloatBuffer aBuffer;
    final FloatBuffer epsBuffer;
    final float[] aScratch;
    final float[] epsScratch;

    DenseLayerPlan(int nIn, int nOut, boolean hasBias, IActivation activation, FloatPointer w, FloatPointer b,
        FloatPointer dW, FloatPointer dB, int maxBatch, boolean output) {
      this.nIn = nIn;
      this.nOut = nOut;
      this.hasBias = hasBias;
      this.activation = activation;
      this.plainRelu = isPlainRelu(activation);
      this.w = w;
      this.b = b;
      this.dW = dW;
      this.dB = dB;
      this.z = Nd4j.create(DataType.FLOAT, new long[] {maxBatch, nOut}, 'c');
      this.zPtr = pointer(z, 0);
      this.a = output ? null : Nd4j.create(DataType.FLOAT, new long[] {maxBatch, nOut}, 'c');
      this.aPtr = output ? null : pointer(a, 0);
      this.eps = output ? null : Nd4j.create(DataType.FLOAT, new long[] {maxBatch, nOut}, 'c');
      this.epsPtr = output ? null : pointer(eps, 0);
      boolean relu = !output && plainRelu;
      this.aBuffer = relu ? NioViews.floatView(a) : null;
      this.epsBuffer = relu ? NioViews.floatView(eps) : null;
      this.aScratch = relu ? new float[maxBatch * nOut] : null;
      this.epsScratch = relu ? new float[maxBatch * nOut] : null;
    }
  }

  private final DenseLayerPlan[] layers;
  private final int maxBatch;
  private final int classes;
  private final float clipEps;
  /** {@code maxBatch} ones (bias broadcast and bias gradient); referenced so its memory lives with this. */
  private final INDArray onesArray;
  private final FloatPointer ones;
  /** Row views of the first {@code n} rows of each layer's arrays, for the ND4J activation ops. */
  private final Map<Integer, INDArray[]> views = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, INDArray[]> eldest) {
      return size() > 8;
    }
  };
  private INDArray lastInput;
  private FloatPointer lastInputPtr;

  private DenseStep(MultiLayerNetwork net, int maxBatch) {
    this.maxBatch = maxBatch;
    Layer[] ls = net.getLayers();
    INDArray params = net.params().reshape(net.numParams());
    INDArray grads = net.getFlattenedGradients().reshape(net.numParams());
    List<DenseLayerPlan> plans = new ArrayList<>();
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      long at = 0;
      for (int i = 0; i < ls.length; i++) {
        BaseLayer conf = (BaseLayer) ls[i].conf().getLayer();
        org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf;
        int nIn = (int) ff.getNIn();
        int nOut = (int) ff.getNOut();
        boolean hasBias = conf instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) conf).hasBias();
        long wLen = (long) nIn * nOut;
        checkLayout(ls[i], i, nIn, nOut, hasBias);
        plans.add(new DenseLayerPlan(nIn, nOut, hasBias, conf.getActivationFn(),
            pointer(params, at), hasBias ? pointer(params, at + wLen) : null,
            pointer(grads, at), hasBias ? pointer(grads, at + wLen) : null, maxBatch, i == ls.length - 1));
        at += ls[i].numParams();
      }
      this.onesArray = Nd4j.ones(DataType.FLOAT, maxBatch);
      this.ones = pointer(onesArray, 0);
    }
    this.layers = plans.toArray(new DenseLayerPlan[0]);
    this.classes = layers[layers.length - 1].nOut;
    OutputLayer out = (OutputLayer) ls[ls.length - 1].conf().getLayer();
    this.clipEps = (float) ((LossMCXENT) out.getLossFn()).getSoftmaxClipEps();
  }

  /**
   * This path for {@code net}, or null if the network does not qualify or the path is disabled; {@code why}
   * (if not null) gets the reason it does not qualify.
   */
  static DenseStep forNetwork(MultiLayerNetwork net, int maxBatch, StringBuilder why) {
    if (Boolean.getBoolean(DISABLE_PROPERTY)) {
      if (why != null) {
        why.append(DISABLE_PROPERTY).append("=true");
      }
      return null;
    }
    String reason = unsupported(net);
    if (reason != null) {
      if (why != null) {
        why.append(reason);
      }
      return null;
    }
    return new DenseStep(net, maxBatch);
  }

  /** Why this path cannot train {@code net}, or null if it can. */
  static String unsupported(MultiLayerNetwork net) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    if (conf.getBackpropType() != BackpropType.Standard) {
      return "backprop type " + conf.getBackpropType();
    }
    if (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
      return "input preprocessors " + conf.getInputPreProcessors().keySet();
    }
    if (net.params().dataType() != DataType.FLOAT) {
      return "parameters of type " + net.params().dataType();
    }
    Layer[] ls = net.getLayers();
    if (ls == null || ls.length == 0) {
      return "no layers";
    }
    for (int i = 0; i < ls.length; i++) {
      org.deeplearning4j.nn.conf.layers.Layer c = ls[i].conf().getLayer();
      boolean last = i == ls.length - 1;
      Class<?> expected = last ? OutputLayer.class : DenseLayer.class;
      if (c.getClass() != expected) {
        return "layer " + i + " is a " + c.getClass().getSimpleName() + ", not a " + expected.getSimpleName();
      }
      BaseLayer b = (BaseLayer) c;
      if (b.getIDropout() != null) {
        return "layer " + i + " has dropout";
      }
      if (b.getWeightNoise() != null) {
        return "layer " + i + " has weight noise";
      }
      if (c instanceof DenseLayer d && d.hasLayerNorm()) {
        return "layer " + i + " has layer normalisation";
      }
    }
    OutputLayer out = (OutputLayer) ls[ls.length - 1].conf().getLayer();
    if (!(out.getActivationFn() instanceof ActivationSoftmax)) {
      return "the output activation is " + out.getActivationFn() + ", not softmax";
    }
    if (!(out.getLossFn() instanceof LossMCXENT mcxent) || mcxent.getWeights() != null) {
      return "the output loss is " + out.getLossFn() + ", not MCXENT without weights";
    }
    return null;
  }

  /**
   * Forward and backward pass over {@code x}'s {@code n} rows with integer {@code labels}: leaves the raw
   * gradient (summed over the rows) in the network's flat gradient and returns the sum of the rows' losses
   * (without regularisation). Marks the end of the forward pass (up to the loss) in {@code phases}.
   *
   * @param x features {@code [n, nIn]}, C order, contiguous
   */
  double computeGradient(INDArray x, int[] labels, int n, StepPhases phases) {
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + " rows; this step takes 1 to " + maxBatch);
    }
    if (x.rows() != n || x.ordering() != 'c' || x.elementWiseStride() != 1 || x.columns() != layers[0].nIn) {
      throw new IllegalArgumentException("x must be a contiguous C-order [" + n + ", " + layers[0].nIn + "] array, got "
          + x.shapeInfoToString());
    }
    INDArray[] v = views(n);
    FloatPointer in = inputPointer(x);
    int last = layers.length - 1;
    for (int l = 0; l <= last; l++) {
      DenseLayerPlan p = layers[l];
      openblas_nolapack.cblas_sgemm(ROW_MAJOR, NO_TRANS, TRANS, n, p.nOut, p.nIn, 1f, in, p.nIn, p.w, p.nIn, 0f,
          p.zPtr, p.nOut);
      if (p.hasBias) {
        openblas_nolapack.cblas_sger(ROW_MAJOR, n, p.nOut, 1f, ones, 1, p.b, 1, p.zPtr, p.nOut);
      }
      if (l < last) {
        INDArray a = v[3 * l + 1];
        a.assign(v[3 * l]);
        INDArray activated = p.activation.getActivation(a, true);
        if (activated != a) {
          a.assign(activated);
        }
        in = p.aPtr;
      } else {
        INDArray z = v[3 * l];
        INDArray probabilities = p.activation.getActivation(z, true);
        if (probabilities != z) {
          z.assign(probabilities);
        }
      }
    }
    phases.end(StepPhases.Phase.FORWARD);
    double loss = lossAndOutputError(layers[last].zPtr, labels, n);
    FloatPointer delta = layers[last].zPtr; // the output error
    for (int l = last; l >= 0; l--) {
      DenseLayerPlan p = layers[l];
      FloatPointer below = l == 0 ? inputPointer(x) : layers[l - 1].aPtr;
      openblas_nolapack.cblas_sgemm(ROW_MAJOR, TRANS, NO_TRANS, p.nOut, p.nIn, n, 1f, delta, p.nOut, below, p.nIn,
          0f, p.dW, p.nIn);
      if (p.hasBias) {
        openblas_nolapack.cblas_sgemv(ROW_MAJOR, TRANS, n, p.nOut, 1f, delta, p.nOut, ones, 1, 0f, p.dB, 1);
      }
      if (l > 0) {
        DenseLayerPlan q = layers[l - 1];
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, n, p.nIn, p.nOut, 1f, delta, p.nOut, p.w, p.nIn,
            0f, q.epsPtr, q.nOut);
        delta = hiddenError(q, v[3 * (l - 1)], v[3 * (l - 1) + 2], n);
      }
    }
    return loss;
  }

  /**
   * The error with respect to hidden layer {@code q}'s pre-activation, {@code act'(z) * eps}, from the error
   * {@code eps} with respect to its activation, for the first {@code n} rows; returns where it is. Plain
   * ReLU: {@code a > 0 ? eps : 0} (a select, as DL4J's {@code relu_bp}: a NaN error where the unit is off
   * stays out of the gradient) in a Java loop over bulk copies, in {@code eps}; {@code a > 0} exactly where
   * {@code z > 0}. DL4J's {@code relu_bp} op took ~150 us for 128 x 256 here, this ~40 us. Other activations:
   * DL4J's {@code backprop}, in {@code z}.
   */
  private static FloatPointer hiddenError(DenseLayerPlan q, INDArray z, INDArray eps, int n) {
    if (q.plainRelu) {
      int len = n * q.nOut;
      q.aBuffer.get(0, q.aScratch, 0, len);
      q.epsBuffer.get(0, q.epsScratch, 0, len);
      float[] av = q.aScratch;
      float[] ev = q.epsScratch;
      for (int i = 0; i < len; i++) {
        ev[i] = av[i] > 0f ? ev[i] : 0f;
      }
      q.epsBuffer.put(0, ev, 0, len);
      return q.epsPtr;
    }
    INDArray grad = q.activation.backprop(z, eps).getFirst();
    if (grad != z) {
      z.assign(grad);
    }
    return q.zPtr;
  }

  /** ReLU without a maximum, threshold or negative slope. */
  static boolean isPlainRelu(IActivation activation) {
    return activation instanceof ActivationReLU r && r.getMax() == null && zeroOrNull(r.getThreshold())
        && zeroOrNull(r.getNegativeSlope());
  }

  private static boolean zeroOrNull(Double d) {
    return d == null || d == 0.0;
  }

  /**
   * Over the softmax output {@code p} ({@code [n, classes]}): clips it to {@code [clipEps, 1 - clipEps]} as
   * {@link LossMCXENT} does, sums {@code -log p[k, label_k]} and turns {@code p} into {@code p - onehot}.
   */
  private double lossAndOutputError(FloatPointer p, int[] labels, int n) {
    float lo = clipEps;
    float hi = (float) (1.0 - clipEps);
    double loss = 0;
    for (int k = 0; k < n; k++) {
      long row = (long) k * classes;
      if (clipEps > 0) {
        for (int c = 0; c < classes; c++) {
          float v = p.get(row + c);
          if (v < lo) {
            p.put(row + c, lo);
          } else if (v > hi) {
            p.put(row + c, hi);
          }
        }
      }
      long at = row + labels[k];
      float pk = p.get(at);
      loss -= Math.log(pk);
      p.put(at, pk - 1f);
    }
    return loss;
  }

  private FloatPointer inputPointer(INDArray x) {
    if (x != lastInput) {
      lastInput = x;
      lastInputPtr = pointer(x, 0);
    }
    return lastInputPtr;
  }

  /** z, a, eps views of the first {@code n} rows, per layer (a and eps null for the output layer). */
  private INDArray[] views(int n) {
    return views.computeIfAbsent(n, rows -> {
      INDArray[] out = new INDArray[3 * layers.length];
      for (int l = 0; l < layers.length; l++) {
        DenseLayerPlan p = layers[l];
        out[3 * l] = rows(p.z, rows);
        out[3 * l + 1] = p.a == null ? null : rows(p.a, rows);
        out[3 * l + 2] = p.eps == null ? null : rows(p.eps, rows);
      }
      return out;
    });
  }

  private INDArray rows(INDArray a, int n) {
    return n == maxBatch ? a : a.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
  }

  /**
   * A pointer to element {@code offset} of contiguous array {@code a}, checked by writing a marker through
   * it and reading it back through ND4J (a pointer off by the view's offset would corrupt the parameters).
   */
  static FloatPointer pointer(INDArray a, long offset) {
    if (a.dataType() != DataType.FLOAT) {
      throw new IllegalStateException("expected a FLOAT array, got " + a.shapeInfoToString());
    }
    INDArray flat = a.reshape(a.length());
    // JavaCPP adds the position to the address in every native call (BLAS) and in get/put
    FloatPointer p = new FloatPointer(a.data().addressPointer()).position(a.offset() + offset);
    float before = flat.getFloat(offset);
    float marker = before == 31337.5f ? -31337.5f : 31337.5f;
    p.put(0, marker);
    boolean same = flat.getFloat(offset) == marker;
    p.put(0, before);
    if (!same) {
      throw new IllegalStateException("a native pointer to element " + offset + " of " + a.shapeInfoToString()
          + " does not address the array's memory: ND4J's buffer layout changed; check DenseStep.pointer");
    }
    return p;
  }

  /** Checks that the layer's W and b sit in the flat parameter array where this path expects them. */
  private static void checkLayout(Layer layer, int index, int nIn, int nOut, boolean hasBias) {
    Map<String, INDArray> table = layer.paramTable(false);
    INDArray w = table.get("W");
    INDArray b = table.get("b");
    long expected = (long) nIn * nOut + (hasBias ? nOut : 0);
    if (w == null || w.ordering() != 'f' || w.rows() != nIn || w.columns() != nOut || layer.numParams() != expected
        || (hasBias && (b == null || b.length() != nOut))) {
      throw new IllegalStateException("layer " + index + " does not have DL4J's dense parameter layout (W f-order ["
          + nIn + ", " + nOut + "] then b [" + nOut + "]): " + table.keySet() + ", W "
          + (w == null ? "missing" : w.shapeInfoToString()) + "; this DL4J version is not the one DenseStep was written for");
    }
  }
}
