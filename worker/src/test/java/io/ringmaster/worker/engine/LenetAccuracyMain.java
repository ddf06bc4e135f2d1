package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.Conv2dOps;

/**
 * Test accuracy of LeNet after the same steps with DL4J's convolution path and with {@link Conv2dOps}'
 * helpers (same seed, same batches). Args: steps (300), batch (128).
 */
public final class LenetAccuracyMain {
  private LenetAccuracyMain() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    Dataset train = FashionData.train();
    Dataset test = FashionData.test();
    System.setProperty(Conv2dOps.DISABLE_PROPERTY, "true");
    Replica plain = Replica.create(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), 42, train, batch);
    System.clearProperty(Conv2dOps.DISABLE_PROPERTY);
    Replica fast = Replica.create(ModelSpec.Builtin.lenet(), UpdaterSpec.adam(1e-3), 42, train, batch);
    for (int s = 0; s < steps; s++) {
      int[] idx = FashionData.range((s * batch) % (train.size() - batch), batch);
      for (Replica r : new Replica[] {plain, fast}) {
        r.computeGradient(idx, batch);
        r.applyGradient(batch);
      }
    }
    System.out.println("after " + steps + " steps of " + batch + ": DL4J path " + plain.evaluate(test, 0, test.size())
        + " ; engine helpers (batched convolution, Java max-pool backward) " + fast.evaluate(test, 0, test.size()));
  }
}
