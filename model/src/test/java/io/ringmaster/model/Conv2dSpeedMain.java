package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * LeNet {@code fit} process CPU per step, op-based convolution vs DL4J's im2col, alternating rounds in one JVM.
 * Args: batch (128), rounds (6), steps per round (10).
 */
public final class Conv2dSpeedMain {
  private Conv2dSpeedMain() {}

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    DatasetInfo info = new DatasetInfo(60_000, 1, 28, 28, 10);
    MultiLayerNetwork op = ModelFactory.build(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), 1, info);
    MultiLayerNetwork plain = Conv2dOpsTest.im2colTwin(op);
    DataSet data = Conv2dOpsTest.batch(batch, 784, 10, 1);
    op.fit(data);
    plain.fit(data);
    for (int r = 0; r < rounds; r++) {
      double a = time(op, data, steps);
      double b = time(plain, data, steps);
      System.out.printf("round %d: op %.1f ms CPU/step, im2col %.1f ms CPU/step, op/im2col speed %.2fx%n", r, a, b, b / a);
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
