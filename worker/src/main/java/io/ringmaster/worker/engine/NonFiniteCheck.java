package io.ringmaster.worker.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Finds NaN and infinite values in a step's loss and flat gradient. The common, finite case costs one
 * native counting pass over the flat gradient; only when something is wrong does it count per layer and
 * parameter to say where, e.g. {@code "gradient of layer 1 (DenseLayer) parameter W has 12 NaN and 0
 * infinite values"}.
 */
final class NonFiniteCheck {
  /** One parameter's slice of the flat gradient. */
  private record Slice(int layer, String layerType, String param, INDArray gradient) {}

  private final INDArray flat;
  private final List<Slice> slices;

  /**
   * @param net the network, whose layers' parameters lie in the flat gradient in DL4J's order
   * @param flatGradient the network's flat gradient (1-D, {@code numParams} elements)
   */
  NonFiniteCheck(MultiLayerNetwork net, INDArray flatGradient) {
    this.flat = flatGradient;
    this.slices = slices(net, flatGradient);
  }

  /**
   * Describes what is not finite, or returns null when the loss and every gradient value are finite.
   *
   * @param lossSum the step's loss
   */
  String check(double lossSum) {
    String loss = Double.isNaN(lossSum) ? "loss is NaN"
        : Double.isInfinite(lossSum) ? "loss is " + lossSum : null;
    long bad = count(flat, Conditions.notFinite());
    if (bad == 0) {
      return loss;
    }
    List<String> parts = new ArrayList<>();
    if (loss != null) {
      parts.add(loss);
    }
    for (Slice s : slices) {
      long nan = count(s.gradient(), Conditions.isNan());
      long inf = count(s.gradient(), Conditions.isInfinite());
      if (nan + inf > 0) {
        parts.add("gradient of layer " + s.layer() + " (" + s.layerType() + ") parameter " + s.param() + " has "
            + nan + " NaN and " + inf + " infinite values");
      }
    }
    if (parts.isEmpty() || parts.size() == 1 && loss != null) {
      parts.add("gradient has " + bad + " NaN or infinite values");
    }
    return String.join("; ", parts);
  }

  /** Elements of {@code a} that meet {@code c}, counted natively. */
  static long count(INDArray a, Condition c) {
    return Nd4j.getExecutioner().exec(new MatchCondition(a, c)).getLong(0);
  }

  private static List<Slice> slices(MultiLayerNetwork net, INDArray flatGradient) {
    INDArray flat1d = flatGradient.reshape(flatGradient.length());
    List<Slice> out = new ArrayList<>();
    long at = 0;
    Layer[] layers = net.getLayers();
    for (int i = 0; i < layers.length; i++) {
      String type = layers[i].conf().getLayer().getClass().getSimpleName();
      for (Map.Entry<String, INDArray> p : layers[i].paramTable(false).entrySet()) {
        long len = p.getValue().length();
        out.add(new Slice(i, type, p.getKey(), flat1d.get(NDArrayIndex.interval(at, at + len))));
        at += len;
      }
    }
    if (at != flatGradient.length()) {
      throw new IllegalStateException("the layers' parameters add up to " + at + " values but the flat gradient has "
          + flatGradient.length() + ": unsupported network layout");
    }
    return List.copyOf(out);
  }
}
