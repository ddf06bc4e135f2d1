package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import java.util.function.Supplier;
import org.assertj.core.data.Percentage;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link DenseStep} computes the same loss and raw gradient as DL4J's {@code computeGradientAndScore}, up to
 * float rounding, for the networks it takes; the others keep DL4J's path.
 */
class DenseStepTest {
  private static final long SEED = 5;

  /**
   * The replica's gradient and loss after one {@code computeGradient}, against DL4J's own pass on the same
   * network in FLOAT and in DOUBLE (the truth both float computations round away from): the dense path is
   * within float rounding of the truth, no further from it than DL4J's float pass is.
   */
  private static void assertMatchesDl4j(Supplier<MultiLayerNetwork> build, int maxBatch, int[] idx) {
    Dataset train = FashionData.train();
    Replica replica = new Replica(build.get(), train, maxBatch);
    assertThat(replica.usesDenseStep()).isTrue();
    StepResult step = replica.computeGradient(idx, idx.length);
    float[] dense = new float[(int) replica.numParams()];
    replica.gradientBuffer().get(0, dense);

    MultiLayerNetwork floatNet = build.get();
    MultiLayerConfiguration doubleConf = floatNet.getLayerWiseConfigurations().clone();
    doubleConf.setDataType(DataType.DOUBLE);
    MultiLayerNetwork doubleNet = new MultiLayerNetwork(doubleConf);
    doubleNet.init(floatNet.params().castTo(DataType.DOUBLE), true);
    DataSet ds = ReplicaVsFitTest.dataSet(train, idx, replica.outputs());
    double[] truth = gradient(doubleNet, ds.getFeatures().castTo(DataType.DOUBLE), ds.getLabels().castTo(DataType.DOUBLE))
        .toDoubleVector();
    float[] dl4j = gradient(floatNet, ds.getFeatures(), ds.getLabels()).toFloatVector();
    double truthLoss = (doubleNet.score() - doubleNet.calcRegularizationScore(true)) * idx.length;

    double scale = 0;
    double dl4jError = 0;
    double denseError = 0;
    for (int i = 0; i < truth.length; i++) {
      scale = Math.max(scale, Math.abs(truth[i]));
      dl4jError = Math.max(dl4jError, Math.abs(dl4j[i] - truth[i]));
      denseError = Math.max(denseError, Math.abs(dense[i] - truth[i]));
    }
    System.out.printf("max |gradient| %.4g, max error from the DOUBLE truth: DL4J float %.3g, dense %.3g%n", scale,
        dl4jError, denseError);
    assertThat(scale).as("a gradient big enough for the comparison to mean something").isGreaterThan(0.1);
    assertThat(denseError).as("dense path's max error").isLessThan(1e-5 * scale).isLessThan(4 * dl4jError + 1e-9);
    assertThat(step.lossSum()).isCloseTo(truthLoss, Percentage.withPercentage(1e-4));
  }

  private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
    net.setInput(x);
    net.setLabels(y);
    net.computeGradientAndScore();
    return net.getFlattenedGradients();
  }

  @Test
  void builtinMlpMatchesDl4jOnAFullBatch() {
    assertMatchesDl4j(() -> ModelFactory.build(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED,
        FashionData.train().info()), 128, FashionData.range(1000, 128));
  }

  /** tanh and sigmoid (DL4J's activation functions, not only ReLU), a layer without bias, a short batch. */
  @Test
  void otherActivationsNoBiasAndAShortBatchMatchDl4j() {
    Supplier<MultiLayerNetwork> build = () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
          .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER)
          .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED).list()
          .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.TANH).hasBias(false).build())
          .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.SIGMOID).build())
          .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(32).nOut(10).activation(Activation.SOFTMAX)
              .build())
          .build());
      net.init();
      return net;
    };
    assertMatchesDl4j(build, 64, FashionData.range(7, 37));
  }

  @Test
  void networksItDoesNotTakeKeepDl4jsPath() {
    Dataset train = FashionData.train();
    Replica lenet = Replica.create(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), SEED, train, 8);
    assertThat(lenet.usesDenseStep()).isFalse();
    assertThat(DenseStep.unsupported(lenet.network())).isNotNull();

    MultiLayerNetwork withDropout = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
        .updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(10).activation(Activation.SOFTMAX).build())
        .build());
    withDropout.init();
    assertThat(DenseStep.unsupported(withDropout)).isEqualTo("layer 0 has dropout");

    MultiLayerNetwork squaredError = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
        .updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(16).nOut(10).activation(Activation.SOFTMAX).build())
        .build());
    squaredError.init();
    assertThat(DenseStep.unsupported(squaredError)).startsWith("the output loss is");
    assertThat(new Replica(squaredError, train, 8).usesDenseStep()).isFalse();
  }

  @Test
  void thePropertyKeepsDl4jsPath() {
    Dataset train = FashionData.train();
    System.setProperty(DenseStep.DISABLE_PROPERTY, "true");
    try {
      assertThat(Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED, train, 8).usesDenseStep())
          .isFalse();
    } finally {
      System.clearProperty(DenseStep.DISABLE_PROPERTY);
    }
    assertThat(Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED, train, 8).usesDenseStep())
        .isTrue();
  }
}
