package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/** evaluate() sums agree with DL4J's own Evaluation and score on the same samples. */
class EvaluateTest {

  @Test
  void sumsMatchDl4jEvaluationAndScore() {
    Dataset train = FashionData.train();
    Dataset test = FashionData.test();
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, train, 128);
    for (int s = 0; s < 30; s++) {
      r.computeGradient(FashionData.range(s * 128, 128), 128);
      r.applyGradient(128);
    }
    int from = 100;
    int to = 100 + 2 * Replica.EVAL_CHUNK + 37; // two full chunks and a partial one
    EvalResult got = r.evaluate(test, from, to);

    DataSet ds = ReplicaVsFitTest.dataSet(test, FashionData.range(from, to - from), r.outputs());
    Evaluation eval = new Evaluation(r.outputs());
    eval.eval(ds.getLabels(), r.network().output(ds.getFeatures(), false));
    double meanLoss = r.network().score(ds, false);

    assertThat(got.count()).isEqualTo(to - from);
    assertThat(got.correct()).isEqualTo(eval.getTopNCorrectCount());
    assertThat(got.accuracy()).isCloseTo(eval.accuracy(), Offset.offset(1e-12));
    assertThat(got.meanLoss()).isCloseTo(meanLoss, Offset.offset(1e-5));
    assertThat(got.accuracy()).isGreaterThan(0.5);
  }

  @Test
  void rangesAddUp() {
    Dataset test = FashionData.test();
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, FashionData.train(), 16);
    EvalResult whole = r.evaluate(test, 0, 1000);
    EvalResult parts = r.evaluate(test, 0, 300).plus(r.evaluate(test, 300, 1000));
    assertThat(parts.correct()).isEqualTo(whole.correct());
    assertThat(parts.count()).isEqualTo(1000);
    assertThat(parts.lossSum()).isCloseTo(whole.lossSum(), Offset.offset(1e-6 * whole.lossSum()));
    assertThat(r.evaluate(test, 5, 5)).isEqualTo(EvalResult.EMPTY);
  }

  @Test
  void rejectsBadRangeAndIncompatibleTestSet() {
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, FashionData.train(), 16);
    Dataset test = FashionData.test();
    assertThatThrownBy(() -> r.evaluate(test, 0, 10_001)).isInstanceOf(IndexOutOfBoundsException.class);
    Dataset csv = new io.ringmaster.job.data.FloatDataset(1, 1, 3, 2, new float[6], new int[] {0, 1});
    assertThatThrownBy(() -> r.evaluate(csv, 0, 2)).hasMessageContaining("test samples have 3 features");
  }
}
