package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.spec.UpdaterSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** Which DL4J updaters the drop-in can hand to Ringmaster's workers, and what it says about the others. */
class DropInUpdatersTest {
  private static MultiLayerConfiguration net(org.nd4j.linalg.learning.config.IUpdater updater,
      org.nd4j.linalg.learning.config.IUpdater outputUpdater) {
    return new NeuralNetConfiguration.Builder().updater(updater).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2).updater(outputUpdater)
            .activation(Activation.SOFTMAX).build())
        .build();
  }

  @Test
  void mapsSgdNesterovAndAdamWithTheirSettings() {
    assertThat(DropInUpdaters.of(net(new Sgd(0.1), new Sgd(0.1))))
        .isEqualTo(new UpdaterSpec(UpdaterSpec.Type.SGD, 0.1, null));
    assertThat(DropInUpdaters.of(net(new Nesterovs(0.01, 0.8), new Nesterovs(0.01, 0.8))))
        .isEqualTo(new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.8));
    assertThat(DropInUpdaters.of(net(new Adam(2e-3), new Adam(2e-3)))).isEqualTo(UpdaterSpec.adam(2e-3));
  }

  @Test
  void refusesWhatTheWorkersWouldApplyDifferently() {
    assertThatThrownBy(() -> DropInUpdaters.of(net(new Adam(1e-3), new Sgd(0.1))))
        .hasMessageContaining("layer 1").hasMessageContaining("one updater to every layer");
    assertThatThrownBy(() -> DropInUpdaters.of(net(new RmsProp(1e-3), new RmsProp(1e-3))))
        .hasMessageContaining("RmsProp").hasMessageContaining("ParameterAveragingTrainingMaster");
    Adam betas = new Adam(1e-3, 0.8, 0.999, 1e-8);
    assertThatThrownBy(() -> DropInUpdaters.of(net(betas, betas))).hasMessageContaining("default betas");
    Sgd scheduled = new Sgd(new ExponentialSchedule(ScheduleType.EPOCH, 0.1, 0.9));
    assertThatThrownBy(() -> DropInUpdaters.of(net(scheduled, scheduled))).hasMessageContaining("without schedules");
    MultiLayerConfiguration bias = new NeuralNetConfiguration.Builder().updater(new Adam(1e-3))
        .biasUpdater(new Sgd(0.1)).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build();
    assertThatThrownBy(() -> DropInUpdaters.of(bias)).hasMessageContaining("bias updater");
  }
}
