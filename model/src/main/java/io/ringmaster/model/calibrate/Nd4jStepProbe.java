package io.ringmaster.model.calibrate;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Times a short MLP training step (784-256-128-10, Adam, batch 128, random data) with whatever ND4J native
 * build this JVM's classpath loads, and prints one line for the calibration that started it:
 * {@code nd4j-probe ms-per-step=<median> library=<file JavaCPP loaded>}. Run in its own short JVM per
 * build (the build is fixed when ND4J loads); a build that cannot run on this CPU makes the JVM fail,
 * which the calibration reads as "not usable".
 */
public final class Nd4jStepProbe {
  static final int BATCH = 128;

  private Nd4jStepProbe() {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
        .updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    Nd4j.getRandom().setSeed(42);
    INDArray features = Nd4j.rand(BATCH, 784);
    INDArray labels = Nd4j.zeros(BATCH, 10);
    for (int i = 0; i < BATCH; i++) {
      labels.putScalar(i, i % 10, 1.0);
    }
    DataSet batch = new DataSet(features, labels);
    for (int i = 0; i < warmup; i++) {
      net.fit(batch);
    }
    long[] nanos = new long[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      net.fit(batch);
      nanos[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(nanos);
    double medianMs = nanos[steps / 2] / 1e6;
    String library = org.bytedeco.javacpp.Loader.getLoadedLibraries().getOrDefault("nd4jcpu", "?");
    System.out.println("nd4j-probe ms-per-step=" + medianMs + " library=" + library);
  }
}
