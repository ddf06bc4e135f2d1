package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.util.Locale;

/**
 * Mean training loss and test accuracy per epoch of the built-in MLP (Adam 1e-3) trained with DL4J's own
 * forward/backward pass and updater, and with {@link DenseStep} and {@link FusedAdam}: same seed, same
 * shuffled batches. Args: epochs (3), batch (128).
 */
public final class MlpAccuracyMain {
  private MlpAccuracyMain() {}

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    Dataset train = FashionData.train();
    Dataset test = FashionData.test();
    Replica[] replicas = new Replica[2];
    ReplicaVsFitTest.withProperties(() -> replicas[0] = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3),
        42, train, batch), DenseStep.DISABLE_PROPERTY, FusedAdam.DISABLE_PROPERTY);
    replicas[1] = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 42, train, batch);
    String[] names = {"DL4J pass + updater", "DenseStep + FusedAdam"};
    int[] idx = new int[batch];
    for (int e = 1; e <= epochs; e++) {
      ShardPlan plan = ShardPlan.of(42, e, train.size(), batch);
      double[] loss = new double[2];
      for (int s = 0; s < plan.steps(); s++) {
        int n = plan.indices(s, 0, 1, idx);
        for (int r = 0; r < 2; r++) {
          replicas[r].setEpoch(e);
          loss[r] += replicas[r].computeGradient(idx, n).lossSum();
          replicas[r].applyGradient(n);
        }
      }
      for (int r = 0; r < 2; r++) {
        System.out.printf(Locale.ROOT, "epoch %d %-22s train loss %.4f  test accuracy %.2f%%%n", e, names[r],
            loss[r] / train.size(), 100 * replicas[r].evaluate(test, 0, test.size()).accuracy());
      }
    }
  }
}
