package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import org.junit.jupiter.api.Test;

/** A short run on real data: the MLP learns far beyond chance (10%). */
class LearnsFashionMnistTest {

  @Test
  void mlpReachesWellAboveChanceInAFewHundredSteps() {
    Dataset train = FashionData.train();
    Dataset test = FashionData.test();
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 42, train, 128);
    EvalResult before = r.evaluate(test, 0, 2000);

    ShardPlan plan = ShardPlan.of(42, 1, train.size(), 128);
    int[] idx = new int[128];
    double firstLoss = 0;
    double lastLoss = 0;
    for (int s = 0; s < 250; s++) {
      int n = plan.indices(s, 0, 1, idx);
      double loss = r.computeGradient(idx, n).lossSum() / n;
      r.applyGradient(n);
      firstLoss = s == 0 ? loss : firstLoss;
      lastLoss = loss;
    }
    EvalResult after = r.evaluate(test, 0, 2000);

    assertThat(before.accuracy()).isLessThan(0.3);
    assertThat(after.accuracy()).isGreaterThan(0.75);
    assertThat(after.meanLoss()).isLessThan(before.meanLoss() / 2);
    assertThat(lastLoss).isLessThan(firstLoss / 2);
  }
}
