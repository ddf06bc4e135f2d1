package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.Violation;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Models given as a DL4J {@code MultiLayerConfiguration} in JSON. The job's updater and seed replace the
 * ones in the JSON (so every worker builds the identical replica with the optimiser the job asked for),
 * and workspaces are switched on for training and inference.
 */
final class JsonModels {
  static final String FIELD = "spec.model.dl4jJson";

  private JsonModels() {}

  /** Parses the JSON; throws {@link IllegalArgumentException} with the parser's message. */
  static MultiLayerConfiguration parse(String json) {
    try {
      MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
      if (conf == null || conf.getConfs() == null) {
        throw new IllegalArgumentException("no 'confs' (layer list) found");
      }
      return conf;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a MultiLayerConfiguration: " + rootMessage(e), e);
    }
  }

  /** Replaces seed and updater of every layer, and turns workspaces on. */
  static MultiLayerConfiguration applyJobSettings(MultiLayerConfiguration conf, IUpdater updater, long seed) {
    for (NeuralNetConfiguration c : conf.getConfs()) {
      c.setSeed(seed);
      setUpdater(c.getLayer(), updater);
    }
    conf.setTrainingWorkspaceMode(WorkspaceMode.ENABLED);
    conf.setInferenceWorkspaceMode(WorkspaceMode.ENABLED);
    return conf;
  }

  private static void setUpdater(Layer layer, IUpdater updater) {
    if (layer instanceof BaseLayer b) {
      b.setIUpdater(updater.clone());
      b.setBiasUpdater(null);
    } else if (layer instanceof BaseWrapperLayer w) {
      setUpdater(w.getUnderlying(), updater);
    }
  }

  /** Everything that keeps the JSON model from training on this data with exact gradient averaging. */
  static List<Violation> validate(String json, IUpdater updater, DatasetInfo train) {
    List<Violation> v = new ArrayList<>();
    MultiLayerConfiguration conf;
    try {
      conf = parse(json);
    } catch (IllegalArgumentException e) {
      v.add(new Violation(FIELD, e.getMessage()));
      return v;
    }
    List<NeuralNetConfiguration> confs = conf.getConfs();
    if (confs.isEmpty()) {
      v.add(new Violation(FIELD, "has no layers"));
      return v;
    }
    if (conf.getDataType() != DataType.FLOAT) {
      v.add(new Violation(FIELD, "dataType " + conf.getDataType() + " is not supported: use FLOAT"));
    }
    if (conf.getBackpropType() == BackpropType.TruncatedBPTT) {
      v.add(new Violation(FIELD, "truncated BPTT is not supported: use backpropType Standard"));
    }
    for (int i = 0; i < confs.size(); i++) {
      Layer l = confs.get(i).getLayer();
      if (l instanceof BatchNormalization) {
        v.add(new Violation(FIELD, "layer " + i + " is a BatchNormalization layer, which is not supported: its"
            + " running mean and variance are not gradients and cannot be averaged exactly across workers;"
            + " remove it"));
      }
    }
    Layer first = confs.get(0).getLayer();
    boolean takesFlatRows = first instanceof DenseLayer || first instanceof BaseOutputLayer;
    if (takesFlatRows && conf.getInputPreProcess(0) == null && ((FeedForwardLayer) first).getNIn() > 0
        && ((FeedForwardLayer) first).getNIn() != train.features()) {
      FeedForwardLayer ff = (FeedForwardLayer) first;
      v.add(new Violation(FIELD, "the first layer" + name(first) + " has nIn=" + ff.getNIn()
          + " but the training samples have " + train.features() + " features (" + shape(train) + ")"));
    }
    if (!v.isEmpty()) {
      return v;
    }
    checkByRunning(conf, updater, train, v);
    return v;
  }

  /** Builds the network and runs two zero samples through it: catches every shape problem DL4J knows of. */
  private static void checkByRunning(MultiLayerConfiguration conf, IUpdater updater, DatasetInfo train,
      List<Violation> v) {
    MultiLayerNetwork net;
    try {
      net = new MultiLayerNetwork(applyJobSettings(conf, updater, 0));
      net.init();
    } catch (RuntimeException e) {
      v.add(new Violation(FIELD, "cannot build the network: " + rootMessage(e)));
      return;
    }
    if (!(net.getOutputLayer() instanceof IOutputLayer)) {
      v.add(new Violation(FIELD, "the last layer" + name(conf.getConf(conf.getConfs().size() - 1).getLayer())
          + " is a " + net.getOutputLayer().getClass().getSimpleName()
          + ", not an output layer: end with an OutputLayer (or LossLayer) that has a loss function"));
      return;
    }
    INDArray out;
    try {
      out = net.output(Nd4j.zeros(DataType.FLOAT, 2, train.features()), false);
    } catch (RuntimeException e) {
      v.add(new Violation(FIELD, "the network does not accept rows of " + train.features()
          + " features (the training samples are " + shape(train) + "): " + rootMessage(e)
          + (train.height() > 1 ? "; convolutional networks need setInputType(InputType.convolutionalFlat("
              + train.height() + ", " + train.width() + ", " + train.channels() + "))" : "")));
      return;
    }
    if (out.rank() != 2) {
      v.add(new Violation(FIELD, "the network's output has rank " + out.rank() + " (shape "
          + java.util.Arrays.toString(out.shape()) + "); a classifier must output [batch, classes]"));
    } else if (out.size(1) < train.classes()) {
      v.add(new Violation(FIELD, "the output layer has " + out.size(1) + " outputs but the training labels go up to "
          + (train.classes() - 1) + " (" + train.classes() + " classes): set nOut=" + train.classes()));
    }
  }

  private static String name(Layer l) {
    return l.getLayerName() == null ? "" : " '" + l.getLayerName() + "'";
  }

  private static String shape(DatasetInfo i) {
    return i.channels() + "x" + i.height() + "x" + i.width();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
