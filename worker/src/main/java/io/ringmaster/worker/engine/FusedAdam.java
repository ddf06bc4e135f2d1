package io.ringmaster.worker.engine;

import java.nio.FloatBuffer;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J's Adam step for the whole network in one pass: divide the summed gradient by the global batch,
 * update the moments, subtract the update from the parameters. Same arithmetic as DL4J's updater (its
 * {@code divi}, libnd4j's {@code adam_updater} op with the bias correction folded into the step size, then
 * {@code params.subi}), in float, so results equal DL4J's up to float rounding, and the moments stay in
 * DL4J's updater state array ({@code [m | v]}): checkpoints, {@link Replica#state()} and a switch back to
 * DL4J's updater all see the same state.
 *
 * <p>Why: libnd4j's {@code adam_updater} op took ~660 us for the MLP's 235k parameters here (its loop is not
 * vectorised), plus ~30 us each for the division and the subtraction, against ~230 us for this pass,
 * which bulk-copies the four arrays into Java arrays (memcpy speed), runs one loop the JIT vectorises, and
 * copies the three results back. Java loops over the off-heap memory itself ({@code FloatBuffer} or
 * {@code Unsafe}) are not vectorised and ran as slowly as the op.
 *
 * <p>Takes only networks whose updater is one Adam block over all parameters, without regularisation or
 * gradient normalisation, dividing by the minibatch: {@link #unsupported} says why not otherwise, and the
 * replica then keeps DL4J's updater. The system property {@value #DISABLE_PROPERTY}{@code =true} turns it off.
 * Holds four {@code float[numParams]} scratch arrays. Not thread-safe.
 */
final class FusedAdam {
  /** Set to {@code true} to keep DL4J's updater for Adam. */
  static final String DISABLE_PROPERTY = "ringmaster.fusedAdam.disable";

  private final Adam config;
  private final int n;
  private final FloatBuffer params;
  private final FloatBuffer gradient;
  private final FloatBuffer state;
  private final float[] g;
  private final float[] p;
  private final float[] m;
  private final float[] v;

  private FusedAdam(Adam config, FloatBuffer params, FloatBuffer gradient, FloatBuffer state, int n) {
    this.config = config;
    this.n = n;
    this.params = params;
    this.gradient = gradient;
    this.state = state;
    this.g = new float[n];
    this.p = new float[n];
    this.m = new float[n];
    this.v = new float[n];
  }

  /**
   * The fused step for {@code net}, or null when it does not qualify or is disabled.
   *
   * @param params the network's parameters ({@code numParams} floats)
   * @param gradient the network's flat gradient ({@code numParams} floats)
   * @param updaterState DL4J's updater state array of the network
   */
  static FusedAdam forNetwork(MultiLayerNetwork net, FloatBuffer params, FloatBuffer gradient,
      INDArray updaterState) {
    if (Boolean.getBoolean(DISABLE_PROPERTY) || unsupported(net) != null) {
      return null;
    }
    int n = (int) net.numParams();
    if (params.limit() != n || gradient.limit() != n || updaterState == null || updaterState.length() != 2L * n) {
      return null;
    }
    Adam adam = (Adam) ((MultiLayerUpdater) net.getUpdater()).getUpdaterBlocks().get(0).getGradientUpdater()
        .getConfig();
    return new FusedAdam(adam, params, gradient, NioViews.floatView(updaterState), n);
  }

  /** Why the fused step cannot update {@code net}, or null if it can. */
  static String unsupported(MultiLayerNetwork net) {
    Updater updater = net.getUpdater();
    if (!(updater instanceof MultiLayerUpdater mlu)) {
      return "updater " + updater;
    }
    if (!net.conf().isMiniBatch()) {
      return "the network does not divide by the minibatch";
    }
    List<UpdaterBlock> blocks = mlu.getUpdaterBlocks();
    if (blocks.size() != 1) {
      return blocks.size() + " updater blocks (layers with different updaters or frozen layers)";
    }
    UpdaterBlock block = blocks.get(0);
    if (block.getParamOffsetStart() != 0 || block.getParamOffsetEnd() != net.numParams()) {
      return "the updater block does not cover every parameter";
    }
    if (block.getGradientUpdater().getConfig().getClass() != Adam.class) {
      return "the updater is " + block.getGradientUpdater().getConfig().getClass().getSimpleName() + ", not Adam";
    }
    for (Layer layer : net.getLayers()) {
      GradientNormalization norm = layer.conf().getLayer().getGradientNormalization();
      if (norm != null && norm != GradientNormalization.None) {
        return "layer " + layer.getIndex() + " normalises its gradient (" + norm + ")";
      }
      for (String param : layer.paramTable(false).keySet()) {
        List<Regularization> r = layer.conf().getLayer().getRegularizationByParam(param);
        if (r != null && !r.isEmpty()) {
          return "layer " + layer.getIndex() + " regularises " + param;
        }
        if (!layer.updaterDivideByMinibatch(param)) {
          return "layer " + layer.getIndex() + " does not divide " + param + " by the minibatch";
        }
      }
    }
    return null;
  }

  /**
   * Updates the parameters from the summed gradient (which this leaves as it is) and the moments in the
   * updater state.
   *
   * @param iteration the iteration count before this step (DL4J's bias correction uses {@code iteration + 1})
   */
  void apply(int iteration, int epoch, int globalBatch) {
    float lr = (float) config.getLearningRate(iteration, epoch);
    float beta1 = (float) config.getBeta1();
    float beta2 = (float) config.getBeta2();
    float epsilon = (float) config.getEpsilon();
    float beta1T = (float) Math.pow(beta1, iteration + 1);
    float beta2T = (float) Math.pow(beta2, iteration + 1);
    float stepSize = lr * (float) Math.sqrt(1f - beta2T) / (1f - beta1T);
    if (Float.isNaN(stepSize) || Float.isInfinite(stepSize) || stepSize == 0) {
      stepSize = epsilon; // as libnd4j's adam_updater does
    }
    float batch = globalBatch;
    float oneMinusBeta1 = 1f - beta1;
    float oneMinusBeta2 = 1f - beta2;
    gradient.get(0, g);
    params.get(0, p);
    state.get(0, m);
    state.get(n, v);
    for (int i = 0; i < n; i++) {
      float gi = g[i] / batch;
      float mi = beta1 * m[i] + gi * oneMinusBeta1;
      float vi = beta2 * v[i] + gi * gi * oneMinusBeta2;
      m[i] = mi;
      v[i] = vi;
      p[i] -= stepSize * mi / ((float) Math.sqrt(vi) + epsilon);
    }
    params.put(0, p);
    state.put(0, m);
    state.put(n, v);
  }
}
