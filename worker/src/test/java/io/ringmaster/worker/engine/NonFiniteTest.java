package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.FloatDataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** NaN and infinite losses and gradients are caught before the all-reduce, named, and flagged in aux slot 2. */
class NonFiniteTest {
  static final int FEATURES = 784;
  /** Where the MLP's (784-256-128-10) parameters start in the flat gradient: W then b, layer by layer. */
  static final int LAYER1_W = 784 * 256 + 256;
  static final int LAYER2_W = LAYER1_W + 256 * 128 + 128;
  static final int LAYER2_B = LAYER2_W + 128 * 10;

  /** {@code n} samples of small finite features, labels 0..9 in turn. */
  static float[] finiteFeatures(int n) {
    float[] x = new float[n * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 37 % 101) / 101f;
    }
    return x;
  }

  static Dataset dataset(float[] x) {
    int n = x.length / FEATURES;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    return new FloatDataset(1, 28, 28, 10, x, labels);
  }

  static Replica mlp(Dataset train, UpdaterSpec updater, int maxBatch) {
    return Replica.create(ModelSpec.Builtin.mlp(), updater, 1, train, maxBatch);
  }

  /** Aux slot 2 of the replica's reduce buffer. */
  static float flag(Replica r) {
    return r.reduceBuffer().get((int) r.numParams() + 2);
  }

  @Test
  void normalStepIsFiniteAndLeavesTheFlagAtZero() {
    Replica r = mlp(FashionData.train(), UpdaterSpec.adam(1e-3), 64);

    StepResult s = r.computeGradient(FashionData.range(0, 64), 64);

    assertThat(s.nonFinite()).isNull();
    assertThat(s.finite()).isTrue();
    assertThat(Double.isFinite(s.lossSum())).isTrue();
    assertThat(flag(r)).isEqualTo(0f);
  }

  @Test
  void nanFeatureGivesNanLossAndNamesTheGradientsItPoisoned() {
    float[] x = finiteFeatures(8);
    x[3 * FEATURES + 5] = Float.NaN; // one pixel of sample 3
    Replica r = mlp(dataset(x), UpdaterSpec.adam(1e-3), 8);

    StepResult s = r.computeGradient(FashionData.range(0, 8), 8);

    assertThat(s.lossSum()).isNaN();
    assertThat(s.finite()).isFalse();
    // the NaN pixel's row of the first layer's weights: its 256 connections
    assertThat(s.nonFinite()).startsWith("loss is NaN; gradient of layer 0 (DenseLayer) parameter W has 256 NaN and"
        + " 0 infinite values; ").contains("gradient of layer 2 (OutputLayer) parameter b has 10 NaN");
    assertThat(flag(r)).isEqualTo(1f);
    assertThat(r.reduced().nonFiniteRanks()).isEqualTo(1);
  }

  @Test
  void samplesAtFloatMaxOverflowTheForwardPass() {
    float[] x = finiteFeatures(8);
    Arrays.fill(x, 3 * FEATURES, 4 * FEATURES, Float.MAX_VALUE);
    Replica r = mlp(dataset(x), UpdaterSpec.adam(1e-3), 8);

    StepResult s = r.computeGradient(FashionData.range(0, 8), 8);

    assertThat(s.nonFinite()).startsWith("loss is NaN; gradient of layer 1 (DenseLayer) parameter W has ");
    assertThat(flag(r)).isEqualTo(1f);
  }

  @Test
  void hugeLearningRateDivergesAndTheFirstBadStepIsFlagged() {
    Replica r = mlp(FashionData.train(), new UpdaterSpec(UpdaterSpec.Type.SGD, 1e6, 0), 64);
    StepResult s = null;
    int step = 0;
    for (; step < 10; step++) {
      s = r.computeGradient(FashionData.range(step * 64, 64), 64);
      if (!s.finite()) {
        break;
      }
      assertThat(flag(r)).as("flag of finite step %d", step).isEqualTo(0f);
      r.applyGradient(64);
    }
    assertThat(step).as("steps until SGD with learning rate 1e6 diverges").isBetween(1, 9);
    assertThat(s.nonFinite()).matches("loss is (NaN|-?Infinity)(; gradient of layer \\d \\((DenseLayer|OutputLayer)\\)"
        + " parameter [Wb] has \\d+ NaN and \\d+ infinite values)+");
    assertThat(flag(r)).isEqualTo(1f);
  }

  @Test
  void namesExactlyThePoisonedParametersWithNanAndInfinityCounts() {
    Replica r = mlp(FashionData.train(), UpdaterSpec.adam(1e-3), 16);
    r.computeGradient(FashionData.range(0, 16), 16);
    NonFiniteCheck check = new NonFiniteCheck(r.network(), r.network().getFlattenedGradients());
    assertThat(check.check(1.0)).isNull();

    FloatBuffer g = r.gradientBuffer();
    for (int k = 0; k < 12; k++) {
      g.put(LAYER1_W + 100 * k, Float.NaN);
    }
    assertThat(check.check(1.0)).isEqualTo("gradient of layer 1 (DenseLayer) parameter W has 12 NaN and 0 infinite"
        + " values");

    g.put(LAYER2_B, Float.POSITIVE_INFINITY);
    g.put(LAYER2_B + 9, Float.NEGATIVE_INFINITY);
    g.put(LAYER2_W, Float.NaN);
    g.put(LAYER2_W + 1, Float.POSITIVE_INFINITY);
    assertThat(check.check(Double.POSITIVE_INFINITY)).isEqualTo("loss is Infinity"
        + "; gradient of layer 1 (DenseLayer) parameter W has 12 NaN and 0 infinite values"
        + "; gradient of layer 2 (OutputLayer) parameter W has 1 NaN and 1 infinite values"
        + "; gradient of layer 2 (OutputLayer) parameter b has 0 NaN and 2 infinite values");
  }

  @Test
  void infinityAloneIsCaughtByTheFastPath() {
    Replica r = mlp(FashionData.train(), UpdaterSpec.adam(1e-3), 16);
    r.computeGradient(FashionData.range(0, 16), 16);
    NonFiniteCheck check = new NonFiniteCheck(r.network(), r.network().getFlattenedGradients());

    r.gradientBuffer().put(0, Float.NEGATIVE_INFINITY);

    assertThat(check.check(1.0)).isEqualTo("gradient of layer 0 (DenseLayer) parameter W has 0 NaN and 1 infinite"
        + " values");
    assertThat(check.check(Double.NaN)).startsWith("loss is NaN; gradient of layer 0");
  }

  @Test
  void aSingleNanOrInfinityAnywhereInTheGradientIsCaught() {
    Replica r = mlp(FashionData.train(), UpdaterSpec.adam(1e-3), 16);
    r.computeGradient(FashionData.range(0, 16), 16);
    NonFiniteCheck check = new NonFiniteCheck(r.network(), r.network().getFlattenedGradients());
    int n = (int) r.numParams();
    FloatBuffer g = r.gradientBuffer();
    // both ends, block edges of vectorised kernels, the middle
    for (int at : new int[] {0, 1, 7, 8, 31, 32, 63, n / 2, n - 33, n - 2, n - 1}) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        float before = g.get(at);
        g.put(at, bad);
        assertThat(check.check(1.0)).as("%s at %d", bad, at).isNotNull()
            .contains(Float.isNaN(bad) ? "has 1 NaN and 0 infinite values" : "has 0 NaN and 1 infinite values");
        g.put(at, before);
      }
    }
    assertThat(check.check(1.0)).isNull();
  }

  @Test
  void largeFiniteValuesAreNotReported() {
    Replica r = mlp(FashionData.train(), UpdaterSpec.adam(1e-3), 16);
    r.computeGradient(FashionData.range(0, 16), 16);
    NonFiniteCheck check = new NonFiniteCheck(r.network(), r.network().getFlattenedGradients());
    FloatBuffer g = r.gradientBuffer();
    for (int k = 0; k < 4; k++) {
      g.put(k, Float.MAX_VALUE); // would overflow a sum, but each value is finite
    }
    g.put(4, -Float.MAX_VALUE);

    assertThat(check.check(1e300)).isNull();
  }
}
