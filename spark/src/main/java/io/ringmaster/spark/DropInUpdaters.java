package io.ringmaster.spark;

import io.ringmaster.job.spec.UpdaterSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The job's {@link UpdaterSpec} for a DL4J network the drop-in trains. Ringmaster's workers rebuild the
 * network from its JSON with the job's updater on every layer (weights and biases alike), so the driver's
 * network must use ONE updater that a job can express: {@code Sgd(lr)}, {@code Nesterovs(lr, momentum)} or
 * {@code Adam(lr)} with DL4J's default betas and epsilon, without schedules. Anything else is refused with
 * what to change, rather than trained with another optimiser than the user configured.
 */
final class DropInUpdaters {
  private DropInUpdaters() {}

  /**
   * @throws IllegalArgumentException when the layers use different updaters, a bias updater of their own,
   *     schedules, or an updater other than those three
   */
  static UpdaterSpec of(MultiLayerConfiguration conf) {
    IUpdater common = null;
    String first = null;
    for (int i = 0; i < conf.getConfs().size(); i++) {
      for (BaseLayer b : trainable(conf.getConf(i).getLayer())) {
        String where = "layer " + i + (b.getLayerName() == null ? "" : " '" + b.getLayerName() + "'");
        IUpdater u = b.getIUpdater();
        if (u == null) {
          continue;
        }
        if (b.getBiasUpdater() != null && !b.getBiasUpdater().equals(u)) {
          throw new IllegalArgumentException(where + " has a bias updater (" + b.getBiasUpdater() + ") other than its"
              + " updater (" + u + "): Ringmaster applies one updater to every parameter; drop biasUpdater(...)");
        }
        if (common == null) {
          common = u;
          first = where;
        } else if (!common.equals(u)) {
          throw new IllegalArgumentException(where + " uses " + u + " but " + first + " uses " + common
              + ": Ringmaster applies one updater to every layer; set it once with"
              + " NeuralNetConfiguration.Builder().updater(...)");
        }
      }
    }
    if (common == null) {
      throw new IllegalArgumentException("the network has no layer with parameters to train");
    }
    return map(common);
  }

  private static UpdaterSpec map(IUpdater u) {
    if (u instanceof Sgd s && s.getLearningRateSchedule() == null) {
      return new UpdaterSpec(UpdaterSpec.Type.SGD, s.getLearningRate(), null);
    }
    if (u instanceof Nesterovs n && n.getLearningRateSchedule() == null && n.getMomentumISchedule() == null) {
      return new UpdaterSpec(UpdaterSpec.Type.NESTEROV, n.getLearningRate(), n.getMomentum());
    }
    if (u instanceof Adam a && a.getLearningRateSchedule() == null
        && a.getBeta1() == Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY && a.getBeta2() == Adam.DEFAULT_ADAM_BETA2_VAR_DECAY
        && a.getEpsilon() == Adam.DEFAULT_ADAM_EPSILON) {
      return UpdaterSpec.adam(a.getLearningRate());
    }
    throw new IllegalArgumentException("the network's updater " + u + " is not one Ringmaster's workers apply:"
        + " use Sgd(learningRate), Nesterovs(learningRate, momentum) or Adam(learningRate) with the default betas"
        + " and epsilon, without schedules (or keep ParameterAveragingTrainingMaster for this network)");
  }

  private static List<BaseLayer> trainable(Layer layer) {
    List<BaseLayer> out = new ArrayList<>();
    if (layer instanceof BaseLayer b) {
      out.add(b);
    } else if (layer instanceof BaseWrapperLayer w) {
      out.addAll(trainable(w.getUnderlying()));
    }
    return out;
  }
}
