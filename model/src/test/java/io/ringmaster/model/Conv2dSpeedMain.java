package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * LeNet {@code fit} process CPU per step, alternating rounds in one JVM over three twins with the same
 * parameters: the batched convolution ({@link BatchedConvHelper}, what {@link Conv2dOps} installs), the previous
 * per-sample one ({@link PerSampleConvHelper}) and DL4J's im2col path. Args: batch (128), rounds (6), steps per
 * round (10).
 */
public final class Conv2dSpeedMain {
  private Conv2dSpeedMain() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    DatasetInfo info = new DatasetInfo(60_000, 1, 28, 28, 10);
    MultiLayerNetwork batched = ModelFactory.build(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), 1, info);
    MultiLayerNetwork perSample = Conv2dOpsTest.im2colTwin(batched);
    Field helper = ConvolutionLayer.class.getDeclaredField("helper");
    helper.setAccessible(true);
    for (Layer l : perSample.getLayers()) {
      if (l.getClass() == ConvolutionLayer.class) {
        helper.set(l, new PerSampleConvHelper());
      }
    }
    MultiLayerNetwork plain = Conv2dOpsTest.im2colTwin(batched);
    DataSet data = Conv2dOpsTest.batch(batch, 784, 10, 1);
    for (MultiLayerNetwork net : new MultiLayerNetwork[] {batched, perSample, plain}) {
      time(net, data, 3);
    }
    for (int r = 0; r < rounds; r++) {
      double a = time(batched, data, steps);
      double b = time(perSample, data, steps);
      double c = time(plain, data, steps);
      System.out.printf("round %d: ms CPU/step batched %.1f, per-sample %.1f, DL4J im2col %.1f;"
          + " speed-up over per-sample %.2fx, over DL4J %.2fx%n", r, a, b, c, b / a, c / a);
    }
  }

  private static double time(MultiLayerNetwork net, DataSet data, int steps) {
    long t0 = Im2colLayoutMain.cpu();
    for (int i = 0; i < steps; i++) {
      net.fit(data);
    }
    return (Im2colLayoutMain.cpu() - t0) / 1e6 / steps;
  }
}
