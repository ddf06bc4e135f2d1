package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Dropout is on while computing gradients and off while evaluating. */
class TrainingModeTest {
  static final ModelSpec DROPOUT = new ModelSpec.Dl4jJson(new NeuralNetConfiguration.Builder().list()
      .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).dropOut(0.5).build())
      .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(64).nOut(10).activation(Activation.SOFTMAX).build())
      .build().toJson());

  @Test
  void gradientStepUsesDropoutLikeFit() {
    Dataset train = FashionData.train();
    UpdaterSpec sgd = new UpdaterSpec(UpdaterSpec.Type.SGD, 0.1, 0);
    Replica replica = Replica.create(DROPOUT, sgd, 5, train, 32);
    MultiLayerNetwork withDropout = ModelFactory.build(DROPOUT, sgd, 5, train.info());
    int[] idx = FashionData.range(0, 32);

    // dropout masks come from ND4J's per-thread generator: start both steps from the same state
    Nd4j.getRandom().setSeed(123);
    replica.computeGradient(idx, 32);
    replica.applyGradient(32);
    Nd4j.getRandom().setSeed(123);
    withDropout.fit(ReplicaVsFitTest.dataSet(train, idx, 10));

    // same seed, same random masks: the same step as DL4J's fit() in training mode
    FloatArrays.assertClose(replica.paramsCopy(), withDropout.params().toFloatVector(), 1e-5);
    // and not the step of a network without dropout
    MultiLayerNetwork noDropout = ModelFactory.build(DROPOUT, sgd, 5, train.info());
    noDropout.getLayer(0).conf().getLayer().setIDropout(null);
    Nd4j.getRandom().setSeed(123);
    noDropout.fit(ReplicaVsFitTest.dataSet(train, idx, 10));
    assertThat(replica.paramsCopy()).isNotEqualTo(noDropout.params().toFloatVector());
  }

  @Test
  void evaluationIsDeterministicInferenceMode() {
    Replica replica = Replica.create(DROPOUT, UpdaterSpec.adam(1e-3), 5, FashionData.train(), 32);
    EvalResult first = replica.evaluate(FashionData.test(), 0, 600);
    EvalResult second = replica.evaluate(FashionData.test(), 0, 600);
    assertThat(second).isEqualTo(first);
  }
}
