package io.ringmaster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.job.spec.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class ModelFactoryTest {
  static final DatasetInfo FASHION = new DatasetInfo(60_000, 1, 28, 28, 10);
  static final DatasetInfo CSV = new DatasetInfo(100, 1, 1, 20, 3);
  static final UpdaterSpec ADAM = UpdaterSpec.adam(1e-3);

  /** The raw bits of every element, so that equality is bit equality (NaN payloads and -0 included). */
  static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }

  static String denseJson(int nIn, int nOut) {
    return new NeuralNetConfiguration.Builder().updater(new Sgd(0.5)).seed(1).list()
        .layer(new DenseLayer.Builder().nIn(nIn).nOut(16).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(nOut).activation(Activation.SOFTMAX).build())
        .build().toJson();
  }

  @Test
  void sameInputsGiveBitIdenticalParametersTwice() {
    for (ModelSpec m : List.of(ModelSpec.Builtin.mlp(), ModelSpec.Builtin.lenet(),
        new ModelSpec.Dl4jJson(denseJson(784, 10)))) {
      MultiLayerNetwork a = ModelFactory.build(m, ADAM, 42, FASHION);
      MultiLayerNetwork b = ModelFactory.build(m, ADAM, 42, FASHION);
      MultiLayerNetwork c = ModelFactory.build(m, ADAM, 43, FASHION);
      assertThat(bits(a.params().toFloatVector())).isEqualTo(bits(b.params().toFloatVector()));
      assertThat(a.params().toFloatVector()).isNotEqualTo(c.params().toFloatVector());
    }
  }

  @Test
  void anotherJvmBuildsBitIdenticalParameters() throws Exception {
    long here = InitChecksumMain.checksum(ModelFactory.build(ModelSpec.Builtin.mlp(), ADAM, 42, FASHION));
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx512m", "-cp", cp, InitChecksumMain.class.getName(), "42")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("checksum ")).findFirst())
        .contains("checksum " + here);
  }

  @Test
  void builtinShapesFollowTheData() {
    MultiLayerNetwork mlp = ModelFactory.build(new ModelSpec.Builtin("mlp", List.of(7, 5), "tanh"), ADAM, 1, CSV);
    assertThat(mlp.getnLayers()).isEqualTo(3);
    assertThat(mlp.numParams()).isEqualTo(20 * 7 + 7 + 7 * 5 + 5 + 5 * 3 + 3);
    MultiLayerNetwork lenet = ModelFactory.build(ModelSpec.Builtin.lenet(), ADAM, 1, FASHION);
    assertThat(lenet.getnLayers()).isEqualTo(6);
    // 5x5x1x20+20, 5x5x20x50+50, 800x500+500, 500x10+10
    assertThat(lenet.numParams()).isEqualTo(520 + 25_050 + 400_500 + 5_010);
  }

  @Test
  void jsonModelTakesTheJobsUpdaterSeedAndWorkspaces() {
    String json = new NeuralNetConfiguration.Builder().updater(new Sgd(0.5)).seed(1)
        .trainingWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.NONE).list()
        .layer(new DenseLayer.Builder().nIn(20).nOut(4).biasUpdater(new Sgd(9)).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
        .build().toJson();
    MultiLayerConfiguration conf = ModelFactory.configuration(new ModelSpec.Dl4jJson(json),
        new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.05, 0.8), 99, CSV);
    for (NeuralNetConfiguration c : conf.getConfs()) {
      assertThat(c.getSeed()).isEqualTo(99);
      org.deeplearning4j.nn.conf.layers.BaseLayer l = (org.deeplearning4j.nn.conf.layers.BaseLayer) c.getLayer();
      assertThat(l.getIUpdater()).isEqualTo(new Nesterovs(0.05, 0.8));
      assertThat(l.getUpdaterByParam("b")).isEqualTo(new Nesterovs(0.05, 0.8));
    }
    assertThat(conf.getTrainingWorkspaceMode()).isEqualTo(org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED);
  }

  static Stream<Arguments> invalidModels() {
    String conv = new NeuralNetConfiguration.Builder().list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(28, 28, 1)).build().toJson();
    String noOutput = new NeuralNetConfiguration.Builder().list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(10).build()).build().toJson();
    String batchNorm = new NeuralNetConfiguration.Builder().list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(16).build())
        .layer(new BatchNormalization.Builder().nOut(16).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(10).activation(Activation.SOFTMAX).build())
        .build().toJson();
    String doubles = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(784).nOut(10).activation(Activation.SOFTMAX).build())
        .build().toJson();
    return Stream.of(
        Arguments.of(new ModelSpec.Builtin("mlp", ModelSpec.Builtin.DEFAULT_HIDDEN, "relux"), FASHION, "spec.model.activation",
            "unknown activation 'relux': use one of "),
        Arguments.of(new ModelSpec.Builtin("resnet", null, null), FASHION, "spec.model.architecture",
            "unknown architecture 'resnet'"),
        Arguments.of(new ModelSpec.Builtin("mlp", List.of(0), "relu"), FASHION, "spec.model.hidden[0]", "must be >= 1"),
        Arguments.of(ModelSpec.Builtin.lenet(), CSV, "spec.model.architecture",
            "lenet needs images of at least 16x16 pixels but the training samples are 1x1x20 (CSV data is flat)"),
        Arguments.of(new ModelSpec.Dl4jJson("{\"confs\": [oops"), FASHION, "spec.model.dl4jJson",
            "not a MultiLayerConfiguration: "),
        Arguments.of(new ModelSpec.Dl4jJson("[1, 2]"), FASHION, "spec.model.dl4jJson",
            "not a MultiLayerConfiguration: "),
        Arguments.of(new ModelSpec.Dl4jJson(denseJson(100, 10)), FASHION, "spec.model.dl4jJson",
            "the first layer 'layer0' has nIn=100 but the training samples have 784 features (1x28x28)"),
        Arguments.of(new ModelSpec.Dl4jJson(denseJson(784, 5)), FASHION, "spec.model.dl4jJson",
            "the output layer has 5 outputs but the training labels go up to 9 (10 classes): set nOut=10"),
        Arguments.of(new ModelSpec.Dl4jJson(conv), FASHION, "spec.model.dl4jJson",
            "the network does not accept rows of 784 features (the training samples are 1x28x28)"),
        Arguments.of(new ModelSpec.Dl4jJson(noOutput), FASHION, "spec.model.dl4jJson",
            "not an output layer"),
        Arguments.of(new ModelSpec.Dl4jJson(batchNorm), FASHION, "spec.model.dl4jJson",
            "layer 1 is a BatchNormalization layer, which is not supported"),
        Arguments.of(new ModelSpec.Dl4jJson(doubles), FASHION, "spec.model.dl4jJson",
            "dataType DOUBLE is not supported: use FLOAT"),
        Arguments.of(null, FASHION, "spec.model", "missing"));
  }

  @ParameterizedTest
  @MethodSource("invalidModels")
  void validateNamesTheFieldAndTheProblem(ModelSpec model, DatasetInfo train, String field, String message) {
    List<Violation> v = ModelFactory.validate(model, train);
    assertThat(v).hasSize(1);
    assertThat(v.get(0).field()).isEqualTo(field);
    assertThat(v.get(0).message()).contains(message);
    if (model != null) {
      assertThatThrownBy(() -> ModelFactory.build(model, ADAM, 1, train))
          .isInstanceOf(InvalidSpecException.class).hasMessageContaining(message);
    }
  }

  @Test
  void validModelsHaveNoViolations() {
    assertThat(ModelFactory.validate(ModelSpec.Builtin.mlp(), CSV)).isEmpty();
    assertThat(ModelFactory.validate(ModelSpec.Builtin.lenet(), FASHION)).isEmpty();
    assertThat(ModelFactory.validate(new ModelSpec.Dl4jJson(denseJson(784, 10)), FASHION)).isEmpty();
    // more outputs than the training labels need is allowed
    assertThat(ModelFactory.validate(new ModelSpec.Dl4jJson(denseJson(784, 12)), FASHION)).isEmpty();
  }

}
