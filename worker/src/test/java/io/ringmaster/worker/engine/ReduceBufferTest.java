package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/**
 * The reduce buffer is the network's own gradient followed by the aux slots (loss sum, samples, non-finite
 * flag), and summing whole reduce buffers across replicas gives every replica the global counters.
 */
class ReduceBufferTest {
  static final long SEED = 3;

  static Replica replica(UpdaterSpec updater, int maxLocal) {
    return Replica.create(ModelSpec.Builtin.mlp(), updater, SEED, FashionData.train(), maxLocal);
  }

  /** A plain in-memory all-reduce of whole reduce buffers (gradient and aux slots). */
  static void allReduceWhole(List<Replica> replicas) {
    int length = replicas.get(0).reduceBuffer().limit();
    float[] sum = new float[length];
    float[] tmp = new float[length];
    for (Replica r : replicas) {
      FloatBuffer b = r.reduceBuffer();
      assertThat(b.limit()).isEqualTo(length);
      b.get(0, tmp);
      for (int i = 0; i < length; i++) {
        sum[i] += tmp[i];
      }
    }
    for (Replica r : replicas) {
      r.reduceBuffer().put(0, sum);
    }
  }

  static float[] copy(FloatBuffer b) {
    float[] out = new float[b.limit()];
    b.get(0, out);
    return out;
  }

  @Test
  void gradientIsWrittenStraightIntoTheHeadOfTheReduceBuffer() {
    Dataset train = FashionData.train();
    // DL4J's own backward pass, to compare bits (DenseStepTest compares the dense path's gradient, which
    // lands in the same buffer through the same layer views)
    Replica r;
    System.setProperty(DenseStep.DISABLE_PROPERTY, "true");
    try {
      r = replica(UpdaterSpec.adam(1e-3), 32);
    } finally {
      System.clearProperty(DenseStep.DISABLE_PROPERTY);
    }
    assertThat(r.usesDenseStep()).isFalse();
    int[] idx = FashionData.range(500, 32);
    int n = (int) r.numParams();

    StepResult s = r.computeGradient(idx, 32);

    // the same gradient from an untouched DL4J network: backprop wrote it into the reduce buffer, no copy
    MultiLayerNetwork reference = ModelFactory.build(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED,
        train.info());
    var ds = ReplicaVsFitTest.dataSet(train, idx, r.outputs());
    reference.setInput(ds.getFeatures());
    reference.setLabels(ds.getLabels());
    reference.computeGradientAndScore();
    float[] whole = copy(r.reduceBuffer());
    assertThat(whole).hasSize(n + Replica.AUX_SLOTS);
    FloatArrays.assertBitIdentical(Arrays.copyOf(whole, n), reference.getFlattenedGradients().toFloatVector());
    assertThat(whole[n]).isEqualTo((float) s.lossSum());
    assertThat(whole[n + 1]).isEqualTo(32f);
    assertThat(whole[n + 2]).isEqualTo(0f);
    assertThat(r.reduced()).isEqualTo(new ReducedStep((float) s.lossSum(), 32, 0));

    // the gradient buffer is the head of the same memory
    assertThat(r.gradientBuffer().limit()).isEqualTo(n);
    r.gradientBuffer().put(n - 1, 42f);
    assertThat(r.reduceBuffer().get(n - 1)).isEqualTo(42f);
    r.reduceBuffer().put(7, -3f);
    assertThat(r.gradientBuffer().get(7)).isEqualTo(-3f);
  }

  @Test
  void auxSlotsAfterAnAllReduceOfThreeReplicasGiveTheGlobalLossAndSampleCount() {
    UpdaterSpec adam = UpdaterSpec.adam(1e-3);
    List<Replica> three = List.of(replica(adam, 64), replica(adam, 64), replica(adam, 64));
    int[][] splits = {{40, 24, 0}, {10, 20, 30}, {0, 0, 7}};
    int at = 0;
    for (int[] split : splits) {
      double expectedLoss = 0;
      int expectedSamples = 0;
      for (int k = 0; k < 3; k++) {
        StepResult s = three.get(k).computeGradient(FashionData.range(at, split[k]), split[k]);
        at += split[k];
        assertThat(s.count()).isEqualTo(split[k]);
        assertThat(s.finite()).isTrue();
        expectedLoss += s.lossSum();
        expectedSamples += s.count();
      }
      allReduceWhole(three);
      for (Replica r : three) {
        ReducedStep g = r.reduced();
        assertThat(g.samples()).isEqualTo(expectedSamples);
        assertThat(g.lossSum()).isCloseTo(expectedLoss, Percentage.withPercentage(1e-4));
        assertThat(g.nonFiniteRanks()).isZero();
        assertThat(g.allFinite()).isTrue();
        assertThat(g.meanLoss()).isCloseTo(expectedLoss / expectedSamples, within(1e-4));
        r.applyGradient((int) g.samples());
      }
    }
    long c = three.get(0).paramsChecksum();
    assertThat(three).allSatisfy(r -> assertThat(r.paramsChecksum()).isEqualTo(c));
  }

  @Test
  void applyGradientIgnoresTheAuxSlots() {
    UpdaterSpec nesterov = new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.9);
    List<Replica> whole = List.of(replica(nesterov, 64), replica(nesterov, 64));
    List<Replica> gradientOnly = List.of(replica(nesterov, 64), replica(nesterov, 64));
    for (int s = 0; s < 4; s++) {
      for (List<Replica> group : List.of(whole, gradientOnly)) {
        group.get(0).computeGradient(FashionData.range(s * 100, 50), 50);
        group.get(1).computeGradient(FashionData.range(s * 100 + 50, 14), 14);
      }
      allReduceWhole(whole);
      ReplicaEquivalenceTest.allReduce(gradientOnly);
      for (Replica r : whole) {
        r.applyGradient(64);
      }
      for (Replica r : gradientOnly) {
        r.applyGradient(64);
      }
      assertThat(whole.get(0).reduced().samples()).isEqualTo(64);
    }
    FloatArrays.assertBitIdentical(whole.get(0).paramsCopy(), gradientOnly.get(0).paramsCopy());
    FloatArrays.assertBitIdentical(whole.get(1).updaterStateCopy(), gradientOnly.get(1).updaterStateCopy());
  }

  @Test
  void oneRankWithNanIsCountedByEveryRank() {
    float[] x = NonFiniteTest.finiteFeatures(10);
    x[2 * NonFiniteTest.FEATURES] = Float.NaN;
    Dataset bad = NonFiniteTest.dataset(x);
    Replica good1 = replica(UpdaterSpec.adam(1e-3), 16);
    Replica good2 = replica(UpdaterSpec.adam(1e-3), 16);
    Replica poisoned = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED, bad, 16);
    List<Replica> ranks = List.of(good1, poisoned, good2);

    assertThat(good1.computeGradient(FashionData.range(0, 16), 16).finite()).isTrue();
    assertThat(poisoned.computeGradient(FashionData.range(0, 10), 10).finite()).isFalse();
    assertThat(good2.computeGradient(FashionData.range(16, 5), 5).finite()).isTrue();
    allReduceWhole(ranks);

    for (Replica r : ranks) {
      ReducedStep g = r.reduced();
      assertThat(g.nonFiniteRanks()).isEqualTo(1);
      assertThat(g.allFinite()).isFalse();
      assertThat(g.samples()).isEqualTo(31);
      assertThat(g.lossSum()).isNaN();
    }
  }

  @Test
  void emptyShareZeroesTheWholeReduceBufferIncludingTheSlots() {
    Replica r = replica(UpdaterSpec.adam(1e-3), 16);
    r.computeGradient(FashionData.range(0, 16), 16);
    assertThat(r.reduced().samples()).isEqualTo(16);

    StepResult empty = r.computeGradient(new int[0], 0);

    assertThat(empty).isEqualTo(StepResult.EMPTY);
    assertThat(empty.nonFinite()).isNull();
    float[] all = copy(r.reduceBuffer());
    List<Integer> nonZero = new ArrayList<>();
    for (int i = 0; i < all.length && nonZero.size() < 5; i++) {
      if (all[i] != 0f) {
        nonZero.add(i);
      }
    }
    assertThat(nonZero).as("non-zero elements of the reduce buffer").isEmpty();
    assertThat(r.reduced()).isEqualTo(new ReducedStep(0, 0, 0));
  }

  @Test
  void reducedRejectsSlotsThatAreNotCounts() {
    Replica r = replica(UpdaterSpec.adam(1e-3), 4);
    r.computeGradient(FashionData.range(0, 4), 4);
    int n = (int) r.numParams();
    r.reduceBuffer().put(n + 1, 2.5f);

    assertThatThrownBy(r::reduced).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("samples=2.5").hasMessageContaining("sum the whole reduceBuffer()");

    r.reduceBuffer().put(n + 1, 4f).put(n + 2, -1f);
    assertThatThrownBy(r::reduced).hasMessageContaining("nonFiniteRanks=-1.0");
  }
}
