package io.ringmaster.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The op-based convolution gives DL4J's im2col results within float rounding, for built-in and JSON models. */
class Conv2dOpsTest {
  static final DatasetInfo FASHION = new DatasetInfo(60_000, 1, 28, 28, 10);
  static final UpdaterSpec ADAM = UpdaterSpec.adam(1e-3);

  static DataSet batch(int n, int features, int classes, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.rand(DataType.FLOAT, n, features);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, (i * 7) % classes, 1f);
    }
    return new DataSet(x, y);
  }

  /** A twin of {@code net} built from the same configuration that keeps DL4J's own im2col path. */
  static MultiLayerNetwork im2colTwin(MultiLayerNetwork net) {
    MultiLayerNetwork twin = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
    twin.init(net.params().dup(), true);
    return twin;
  }

  /** The helper each convolution layer ran with, and that it never failed over to DL4J's own path. */
  static void assertHelperRanWithoutFallback(MultiLayerNetwork net, Class<?> helper) throws Exception {
    java.lang.reflect.Field fails =
        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helperCountFail");
    fails.setAccessible(true);
    java.lang.reflect.Field poolFails = org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class
        .getDeclaredField("helperCountFail");
    poolFails.setAccessible(true);
    for (Layer l : net.getLayers()) {
      if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer c) {
        assertThat(c.getHelper()).isInstanceOf(helper);
        assertThat(fails.getInt(c)).as("helper failures of layer " + l.getIndex()).isZero();
      }
      if (l instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer s) {
        assertThat(s.getHelper()).isInstanceOf(MaxPoolHelper.class);
        assertThat(poolFails.getInt(s)).as("helper failures of pooling layer " + l.getIndex()).isZero();
      }
    }
  }

  static void assertSameTraining(MultiLayerNetwork routed, MultiLayerNetwork plain, DataSet data) {
    assertThat(routed.params()).isEqualTo(plain.params());
    INDArray outRouted = routed.output(data.getFeatures(), false);
    INDArray outPlain = plain.output(data.getFeatures(), false);
    assertThat(outRouted.equalsWithEps(outPlain, 1e-5)).as("outputs").isTrue();

    routed.setInput(data.getFeatures());
    routed.setLabels(data.getLabels());
    routed.computeGradientAndScore();
    plain.setInput(data.getFeatures());
    plain.setLabels(data.getLabels());
    plain.computeGradientAndScore();
    INDArray gRouted = routed.getFlattenedGradients().dup();
    INDArray gPlain = plain.getFlattenedGradients().dup();
    double scale = gPlain.norm2Number().doubleValue();
    double diff = gRouted.sub(gPlain).norm2Number().doubleValue();
    assertThat(diff / scale).as("relative gradient difference").isLessThan(1e-5);

    for (int i = 0; i < 3; i++) {
      routed.fit(data);
      plain.fit(data);
    }
    double pDiff = routed.params().sub(plain.params()).amaxNumber().doubleValue();
    assertThat(pDiff).as("largest parameter difference after 3 Adam steps").isLessThan(1e-5);
    assertThat(routed.params().sub(plain.params()).amaxNumber().doubleValue()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void lenetConvolutionsRunThroughTheOpAndMatchIm2col() throws Exception {
    MultiLayerNetwork lenet = ModelFactory.build(ModelSpec.Builtin.lenet(), ADAM, 5, FASHION);
    long routed = java.util.Arrays.stream(lenet.getLayers()).filter(Conv2dOps::routed).count();
    assertThat(routed).isEqualTo(2);
    assertThat(java.util.Arrays.stream(lenet.getLayers()).filter(Conv2dOps::pooledInJava).count()).isEqualTo(2);
    MultiLayerNetwork plain = im2colTwin(lenet);
    assertThat(java.util.Arrays.stream(plain.getLayers()).noneMatch(Conv2dOps::routed)).isTrue();

    assertSameTraining(lenet, plain, batch(16, 784, 10, 3));
    assertHelperRanWithoutFallback(lenet, BatchedConvHelper.class);
  }

  @Test
  void jsonModelIsRoutedWithoutRewritingItsConfiguration() throws Exception {
    String json = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).stride(2, 2).padding(1, 1)
            .activation(Activation.TANH).build())
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
            .activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build().toJson();
    MultiLayerNetwork net = ModelFactory.build(new ModelSpec.Dl4jJson(json), ADAM, 9, FASHION);
    Layer[] layers = net.getLayers();
    assertThat(Conv2dOps.routed(layers[0])).isTrue();
    assertThat(Conv2dOps.routed(layers[1])).isTrue();
    MultiLayerConfiguration before = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
    assertThat(Conv2dOps.install(net)).as("idempotent").isEqualTo(2);
    assertThat(net.getLayerWiseConfigurations().toJson()).isEqualTo(before.toJson());

    assertSameTraining(net, im2colTwin(net), batch(8, 784, 10, 4));
    assertHelperRanWithoutFallback(net, BatchedConvHelper.class);
  }

  /** Overlapping windows with padding (generic loops) and 2x2/2 over an odd size (the straight-line path). */
  @Test
  void maxPoolingMatchesDl4jForOverlappingPaddedAndOddSizedWindows() throws Exception {
    String json = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(Activation.TANH).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
            .padding(1, 1).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build().toJson();
    MultiLayerNetwork net = ModelFactory.build(new ModelSpec.Dl4jJson(json), ADAM, 9, FASHION);
    assertThat(java.util.Arrays.stream(net.getLayers()).filter(Conv2dOps::pooledInJava).count()).isEqualTo(2);

    assertSameTraining(net, im2colTwin(net), batch(8, 784, 10, 5));
    assertHelperRanWithoutFallback(net, BatchedConvHelper.class);
  }

  @Test
  void dilatedConvolutionRunsThroughTheConv2dOp() throws Exception {
    String json = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).dilation(2, 2).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build().toJson();
    MultiLayerNetwork net = ModelFactory.build(new ModelSpec.Dl4jJson(json), ADAM, 9, FASHION);

    assertSameTraining(net, im2colTwin(net), batch(8, 784, 10, 5));
    assertHelperRanWithoutFallback(net, Conv2dOps.OpHelper.class);
  }

  static long[] forwardPasses(MultiLayerNetwork net) {
    return java.util.Arrays.stream(net.getLayers())
        .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer)
        .mapToLong(l -> ((BatchedConvHelper) ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) l)
            .getHelper()).forwardPasses())
        .toArray();
  }

  @Test
  void backwardPassReusesTheForwardPassInsteadOfComputingItAgain() {
    MultiLayerNetwork lenet = ModelFactory.build(ModelSpec.Builtin.lenet(), ADAM, 5, FASHION);
    DataSet data = batch(8, 784, 10, 6);
    lenet.setInput(data.getFeatures());
    lenet.setLabels(data.getLabels());
    lenet.computeGradientAndScore();
    assertThat(forwardPasses(lenet)).as("forward computations per convolution, one gradient step")
        .containsExactly(1, 1);
    lenet.fit(data);
    assertThat(forwardPasses(lenet)).containsExactly(2, 2);
    lenet.output(data.getFeatures(), false);
    assertThat(forwardPasses(lenet)).containsExactly(3, 3);
  }

  /**
   * A training forward pass that no backward pass follows keeps its pre-activation; a parameter change and a
   * new pass over the same input array must not see it (the kept array is never served to a forward pass).
   */
  @Test
  void aKeptForwardPassNeverLeaksIntoALaterPassOverTheSameInput() throws Exception {
    String json = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(Activation.TANH).build())
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build().toJson();
    MultiLayerNetwork net = ModelFactory.build(new ModelSpec.Dl4jJson(json), ADAM, 9, FASHION);
    MultiLayerNetwork plain = im2colTwin(net);
    DataSet data = batch(4, 784, 10, 8);
    INDArray x = data.getFeatures();

    net.feedForward(x, true);
    INDArray changed = net.params().mul(1.5);
    net.setParams(changed);
    plain.setParams(changed);
    assertThat(net.output(x, false).equalsWithEps(plain.output(x, false), 1e-5)).as("inference after a kept pass")
        .isTrue();

    net.feedForward(x, true);
    INDArray changedAgain = net.params().mul(0.5);
    net.setParams(changedAgain);
    plain.setParams(changedAgain);
    for (MultiLayerNetwork n : new MultiLayerNetwork[] {net, plain}) {
      n.setInput(x);
      n.setLabels(data.getLabels());
      n.computeGradientAndScore();
    }
    INDArray g = net.getFlattenedGradients();
    INDArray gPlain = plain.getFlattenedGradients();
    assertThat(g.sub(gPlain).norm2Number().doubleValue() / gPlain.norm2Number().doubleValue())
        .as("relative gradient difference after a kept pass and a parameter change").isLessThan(1e-5);
    assertHelperRanWithoutFallback(net, BatchedConvHelper.class);
  }

  @Test
  void disablePropertyKeepsDl4jsPath() {
    System.setProperty(Conv2dOps.DISABLE_PROPERTY, "true");
    try {
      MultiLayerNetwork lenet = ModelFactory.build(ModelSpec.Builtin.lenet(), ADAM, 5, FASHION);
      assertThat(java.util.Arrays.stream(lenet.getLayers()).noneMatch(Conv2dOps::routed)).isTrue();
      assertThat(java.util.Arrays.stream(lenet.getLayers()).noneMatch(Conv2dOps::pooledInJava)).isTrue();
    } finally {
      System.clearProperty(Conv2dOps.DISABLE_PROPERTY);
    }
  }
}
