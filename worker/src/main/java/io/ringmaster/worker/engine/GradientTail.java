package io.ringmaster.worker.engine;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes a network's flat gradient the head of a longer off-heap array: {@code numParams} gradient floats
 * followed by {@code tail} extra floats in the same buffer, so that one all-reduce over the whole array
 * sums the gradient and the extra values together without a copy.
 *
 * <p>DL4J keeps its flat gradient in three places, all rewired here:
 * <ol>
 *   <li>the network's {@code flattenedGradients} field, which backprop wraps into the step's
 *       {@code Gradient} and the updater compares against to take its in-place path. DL4J has no setter
 *       for it ({@code setBackpropGradientsViewArray} only rewires the layers), so it is set reflectively;
 *   <li>each layer's gradient view and per-parameter views ({@code setBackpropGradientsViewArray});
 *   <li>the updater's per-block gradient views, captured when the updater is built: an existing updater is
 *       rebuilt over its own state array (the state is kept, not copied or re-initialised).
 * </ol>
 */
final class GradientTail {
  private static final String FIELD = "flattenedGradients";
  private static final float MARKER = 12345.678f;

  private GradientTail() {}

  /**
   * Installs the new gradient array in {@code net} and returns it: a 1-D FLOAT array of
   * {@code numParams + tail} elements, zero-filled, whose first {@code numParams} elements are the network's
   * flat gradient from now on.
   */
  static INDArray install(MultiLayerNetwork net, int tail) {
    if (tail < 0) {
      throw new IllegalArgumentException("tail must be >= 0, got " + tail);
    }
    if (net.getFlattenedGradients() == null) {
      net.initGradientsView();
    }
    long n = net.numParams();
    INDArray whole;
    INDArray head;
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      whole = Nd4j.zeros(DataType.FLOAT, n + tail);
      // same shape as DL4J's own flat gradient ([1, numParams]), over the head of the same buffer
      head = Nd4j.create(whole.data(), new long[] {1, n}, new long[] {n, 1}, 0, 'c');
    }
    if (head.data() != whole.data() || head.offset() != 0) {
      throw new IllegalStateException("ND4J did not return a view over the gradient buffer: " + head.shapeInfoToString());
    }
    setField(net, head);
    net.setBackpropGradientsViewArray(head);
    Updater old = net.getUpdater(false);
    if (old != null) {
      net.setUpdater(new MultiLayerUpdater(net, old.getStateViewArray()));
    }
    verifyViews(net, whole);
    return whole;
  }

  /**
   * Writes a marker through the network's flat gradient and through every layer's gradient view, at their
   * first and last element, and checks it arrives at the right place of {@code whole}: proves the views
   * share its memory (ND4J silently copies when it cannot make a view).
   */
  static void verifyViews(MultiLayerNetwork net, INDArray whole) {
    long n = net.numParams();
    expectShared(net.getFlattenedGradients().reshape(n), 0, whole, "the network's flat gradient");
    long at = 0;
    Layer[] layers = net.getLayers();
    for (int i = 0; i < layers.length; i++) {
      long len = layers[i].numParams();
      if (len == 0) {
        continue;
      }
      INDArray view = layers[i].getGradientsViewArray();
      if (view == null || view.length() != len) {
        throw new IllegalStateException("layer " + i + " has " + len + " parameters but its gradient view is "
            + (view == null ? "missing" : view.shapeInfoToString()));
      }
      expectShared(view.reshape(len), at, whole, "the gradient view of layer " + i);
      at += len;
    }
  }

  private static void expectShared(INDArray view, long offsetInWhole, INDArray whole, String what) {
    long last = view.length() - 1;
    for (long k : new long[] {0, last}) {
      float before = view.getFloat(k);
      view.putScalar(k, MARKER);
      boolean shared = whole.getFloat(offsetInWhole + k) == MARKER;
      view.putScalar(k, before);
      if (!shared) {
        throw new IllegalStateException(what + " does not share memory with the reduce buffer at element "
            + (offsetInWhole + k) + ": ND4J made a copy instead of a view (" + view.shapeInfoToString() + ")");
      }
    }
  }

  private static void setField(MultiLayerNetwork net, INDArray head) {
    try {
      Field f = MultiLayerNetwork.class.getDeclaredField(FIELD);
      f.setAccessible(true);
      f.set(net, head);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot install the gradient buffer: field MultiLayerNetwork." + FIELD
          + " is missing or not accessible in this DL4J version (1.0.0-M2.1 expected): " + e, e);
    }
    if (net.getFlattenedGradients() != head) {
      throw new IllegalStateException("MultiLayerNetwork." + FIELD + " was set but getFlattenedGradients() does"
          + " not return it: DL4J changed; check GradientTail against this DL4J version");
    }
  }
}
