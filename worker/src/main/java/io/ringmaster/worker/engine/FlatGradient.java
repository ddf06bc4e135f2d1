package io.ringmaster.worker.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network's gradient as the updater wants to see it: {@link #gradient()} returns the network's own
 * flattened gradient array (the same object, so DL4J's updater takes its fast, preallocated path instead
 * of slicing an "external" gradient every step), and the per-variable map holds views into it. Built
 * once per network; the views stay valid because DL4J writes every backward pass into the same buffer.
 */
final class FlatGradient extends DefaultGradient {
  private final INDArray flat;

  FlatGradient(MultiLayerNetwork net) {
    super(net.getFlattenedGradients());
    this.flat = net.getFlattenedGradients();
    Map<String, INDArray> views = new LinkedHashMap<>();
    Layer[] layers = net.getLayers();
    for (int i = 0; i < layers.length; i++) {
      INDArray layerView = layers[i].getGradientsViewArray();
      if (layerView == null || layers[i].numParams() == 0) {
        continue;
      }
      Map<String, INDArray> byName = layers[i].conf().getLayer().initializer()
          .getGradientsFromFlattened(layers[i].conf(), layerView);
      for (Map.Entry<String, INDArray> e : byName.entrySet()) {
        views.put(i + "_" + e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, INDArray> e : views.entrySet()) {
      setGradientFor(e.getKey(), e.getValue());
    }
  }

  @Override
  public INDArray gradient() {
    return flat;
  }

  @Override
  public INDArray gradient(List<String> order) {
    return flat;
  }
}
