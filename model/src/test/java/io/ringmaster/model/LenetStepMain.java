package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.lang.management.ManagementFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * LeNet training steps ({@code computeGradientAndScore}, as a worker's replica runs them) on one fixed batch, for
 * profiling one configuration (e.g. under JFR). Args: steps (200), batch (128). Prints main-thread and process CPU
 * per step over the second half of the steps.
 */
public final class LenetStepMain {
  private LenetStepMain() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    MultiLayerNetwork net = ModelFactory.build(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), 1,
        new DatasetInfo(60_000, 1, 28, 28, 10));
    DataSet data = Conv2dOpsTest.batch(batch, 784, 10, 1);
    var threads = ManagementFactory.getThreadMXBean();
    long t0 = 0;
    long p0 = 0;
    for (int i = 0; i < steps; i++) {
      if (i == steps / 2) {
        t0 = threads.getCurrentThreadCpuTime();
        p0 = Im2colLayoutMain.cpu();
      }
      net.setInput(data.getFeatures());
      net.setLabels(data.getLabels());
      net.computeGradientAndScore();
      net.clearLayersStates();
    }
    int n = steps - steps / 2;
    System.out.printf("%d steps: %.1f ms main-thread CPU/step, %.1f ms process CPU/step%n", n,
        (threads.getCurrentThreadCpuTime() - t0) / 1e6 / n, (Im2colLayoutMain.cpu() - p0) / 1e6 / n);
  }
}
