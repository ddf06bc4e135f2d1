package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Which networks {@link FusedAdam} updates (its arithmetic against DL4J's updater is in
 * {@link ReplicaVsFitTest#mlpWithFusedAdamMatchesFit}); the others keep DL4J's updater.
 */
class FusedAdamTest {
  private static MultiLayerNetwork mlp(NeuralNetConfiguration.Builder base) {
    MultiLayerNetwork net = new MultiLayerNetwork(base.seed(1).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(10).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  @Test
  void adamWithoutRegularisationIsFused() {
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1, FashionData.train(), 8);
    assertThat(r.usesFusedAdam()).isTrue();
    assertThat(FusedAdam.unsupported(mlp(new NeuralNetConfiguration.Builder().updater(new Adam(1e-3))))).isNull();
  }

  @Test
  void otherUpdatersRegularisationAndClippingKeepDl4jsUpdater() {
    MultiLayerNetwork nesterov = ModelFactory.build(ModelSpec.Builtin.mlp(),
        new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.9), 1, FashionData.train().info());
    nesterov.getUpdater(); // DL4J creates the updater on first use
    assertThat(FusedAdam.unsupported(nesterov)).isEqualTo("the updater is Nesterovs, not Adam");
    assertThat(new Replica(nesterov, FashionData.train(), 8).usesFusedAdam()).isFalse();

    assertThat(FusedAdam.unsupported(mlp(new NeuralNetConfiguration.Builder().updater(new Adam(1e-3)).l2(1e-4))))
        .startsWith("layer 0 regularises");
    assertThat(FusedAdam.unsupported(mlp(new NeuralNetConfiguration.Builder().updater(new Adam(1e-3))
        .gradientNormalization(org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer))))
        .startsWith("layer 0 normalises its gradient");
  }

  @Test
  void thePropertyKeepsDl4jsUpdater() {
    ReplicaVsFitTest.withProperties(() -> assertThat(Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1,
        FashionData.train(), 8).usesFusedAdam()).isFalse(), FusedAdam.DISABLE_PROPERTY);
  }
}
