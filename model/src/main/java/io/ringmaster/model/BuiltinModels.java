package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.Violation;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The built-in architectures. {@code mlp}: dense hidden layers, softmax output with MCXENT, XAVIER init.
 * {@code lenet}: DL4J's classic LeNet (conv 5x5x20, max-pool 2x2/2, conv 5x5x50, max-pool 2x2/2, dense 500
 * relu, softmax output), fed flat rows through {@code convolutionalFlat(height, width, channels)}.
 */
final class BuiltinModels {
  /** Smallest image side LeNet accepts: two 5x5 convolutions and two 2x2/2 poolings must leave 1 pixel. */
  static final int LENET_MIN_SIDE = 16;

  private BuiltinModels() {}

  static List<Violation> validate(ModelSpec.Builtin spec, DatasetInfo train) {
    List<Violation> v = new ArrayList<>();
    switch (spec.architecture()) {
      case ModelSpec.MLP -> {
        if (Activations.parse(spec.activation()).isEmpty()) {
          v.add(new Violation("spec.model.activation", "unknown activation '" + spec.activation() + "': use one of "
              + Activations.names()));
        }
        for (int i = 0; i < spec.hidden().size(); i++) {
          Integer h = spec.hidden().get(i);
          if (h == null || h < 1) {
            v.add(new Violation("spec.model.hidden[" + i + "]", "must be >= 1, got " + h));
          }
        }
      }
      case ModelSpec.LENET -> {
        if (train.height() < LENET_MIN_SIDE || train.width() < LENET_MIN_SIDE) {
          v.add(new Violation("spec.model.architecture", "lenet needs images of at least " + LENET_MIN_SIDE + "x"
              + LENET_MIN_SIDE + " pixels but the training samples are " + train.channels() + "x" + train.height()
              + "x" + train.width() + (train.height() == 1 ? " (CSV data is flat)" : "") + "; use mlp"));
        }
      }
      default -> v.add(new Violation("spec.model.architecture", "unknown architecture '" + spec.architecture()
          + "': use mlp or lenet, or give model.dl4jJson"));
    }
    return v;
  }

  /** The configuration; {@link #validate} must have passed. */
  static MultiLayerConfiguration configuration(ModelSpec.Builtin spec, IUpdater updater, long seed,
      DatasetInfo train) {
    return switch (spec.architecture()) {
      case ModelSpec.MLP -> mlp(spec, updater, seed, train);
      case ModelSpec.LENET -> lenet(updater, seed, train);
      default -> throw new IllegalArgumentException("unknown architecture " + spec.architecture());
    };
  }

  private static NeuralNetConfiguration.Builder base(IUpdater updater, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
        .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
  }

  private static MultiLayerConfiguration mlp(ModelSpec.Builtin spec, IUpdater updater, long seed,
      DatasetInfo train) {
    Activation act = Activations.parse(spec.activation()).orElseThrow();
    NeuralNetConfiguration.ListBuilder b = base(updater, seed).list();
    int in = train.features();
    for (int h : spec.hidden()) {
      b.layer(new DenseLayer.Builder().nIn(in).nOut(h).activation(act).build());
      in = h;
    }
    b.layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(in).nOut(train.classes())
        .activation(Activation.SOFTMAX).build());
    return b.build();
  }

  private static MultiLayerConfiguration lenet(IUpdater updater, long seed, DatasetInfo train) {
    return base(updater, seed).list()
        .layer(new ConvolutionLayer.Builder(5, 5).nIn(train.channels()).stride(1, 1).nOut(20)
            .activation(Activation.IDENTITY).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(50).activation(Activation.IDENTITY).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().activation(Activation.RELU).nOut(500).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(train.classes()).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.convolutionalFlat(train.height(), train.width(), train.channels()))
        .build();
  }
}
