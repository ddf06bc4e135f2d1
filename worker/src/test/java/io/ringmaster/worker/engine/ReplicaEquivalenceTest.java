package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data parallelism is exact: replicas that each take part of a global batch, sum their gradients and
 * update with the global batch size end where one network trained on the whole batch ends.
 */
class ReplicaEquivalenceTest {
  static final int GLOBAL = 128;
  static final long SEED = 7;

  /** A plain in-memory all-reduce: sums the replicas' gradient buffers and writes the sum back to each. */
  static void allReduce(List<Replica> replicas) {
    FloatBuffer first = replicas.get(0).gradientBuffer();
    float[] sum = new float[first.limit()];
    float[] tmp = new float[sum.length];
    for (Replica r : replicas) {
      r.gradientBuffer().get(0, tmp);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += tmp[i];
      }
    }
    for (Replica r : replicas) {
      r.gradientBuffer().put(0, sum);
    }
  }

  /** One synchronous step of {@code replicas} over the global batch, split at {@code cuts}. */
  static double step(List<Replica> replicas, int[] global, int... sizes) {
    double loss = 0;
    int at = 0;
    for (int r = 0; r < replicas.size(); r++) {
      int[] local = Arrays.copyOfRange(global, at, at + sizes[r]);
      at += sizes[r];
      loss += replicas.get(r).computeGradient(local, sizes[r]).lossSum();
    }
    assertThat(at).isEqualTo(global.length);
    allReduce(replicas);
    for (Replica r : replicas) {
      r.applyGradient(global.length);
    }
    return loss;
  }

  static Replica replica(Dataset train, UpdaterSpec updater, int maxLocal) {
    return Replica.create(ModelSpec.Builtin.mlp(), updater, SEED, train, maxLocal);
  }

  static int[] batch(int step, int size) {
    return FashionData.range(step * 1000, size);
  }


  @Test
  void twoReplicasOfHalfTheBatchMatchOneReplicaOfTheWholeBatch() {
    Dataset train = FashionData.train();
    UpdaterSpec adam = UpdaterSpec.adam(1e-3);
    List<Replica> one = List.of(replica(train, adam, GLOBAL));
    List<Replica> two = List.of(replica(train, adam, 64), replica(train, adam, 64));
    float[] initial = one.get(0).paramsCopy();

    for (int s = 0; s < 20; s++) {
      double l1 = step(one, batch(s, GLOBAL), GLOBAL);
      double l2 = step(two, batch(s, GLOBAL), 64, 64);
      assertThat(l2).isCloseTo(l1, org.assertj.core.data.Percentage.withPercentage(1e-3));
    }

    assertThat(two.get(0).paramsChecksum()).isEqualTo(two.get(1).paramsChecksum());
    FloatArrays.assertBitIdentical(two.get(0).paramsCopy(), two.get(1).paramsCopy());
    FloatArrays.assertBitIdentical(two.get(0).updaterStateCopy(), two.get(1).updaterStateCopy());
    assertThat(one.get(0).paramsCopy()).isNotEqualTo(initial);
    FloatArrays.assertClose(two.get(0).paramsCopy(), one.get(0).paramsCopy(), 1e-3);
    assertThat(two.get(0).iteration()).isEqualTo(20).isEqualTo(one.get(0).iteration());
  }

  /** LeNet's convolutions run through {@link io.ringmaster.model.Conv2dOps}' helper: still exact. */
  @Test
  void lenetWithTheContiguousConvolutionStaysExact() {
    Dataset train = FashionData.train();
    UpdaterSpec adam = UpdaterSpec.adam(1e-3);
    List<Replica> one = List.of(Replica.create(ModelSpec.Builtin.lenet(), adam, SEED, train, GLOBAL));
    List<Replica> two = List.of(Replica.create(ModelSpec.Builtin.lenet(), adam, SEED, train, 64),
        Replica.create(ModelSpec.Builtin.lenet(), adam, SEED, train, 64));
    assertThat(Arrays.stream(two.get(0).network().getLayers()).filter(io.ringmaster.model.Conv2dOps::routed))
        .hasSize(2);
    float[] initial = one.get(0).paramsCopy();

    for (int s = 0; s < 4; s++) {
      double l1 = step(one, batch(s, GLOBAL), GLOBAL);
      double l2 = step(two, batch(s, GLOBAL), 64, 64);
      assertThat(l2).isCloseTo(l1, org.assertj.core.data.Percentage.withPercentage(1e-3));
    }

    FloatArrays.assertBitIdentical(two.get(0).paramsCopy(), two.get(1).paramsCopy());
    FloatArrays.assertBitIdentical(two.get(0).updaterStateCopy(), two.get(1).updaterStateCopy());
    assertThat(one.get(0).paramsCopy()).isNotEqualTo(initial);
    FloatArrays.assertClose(two.get(0).paramsCopy(), one.get(0).paramsCopy(), 1e-3);
  }

  @Test
  void threeReplicasWithUnevenSplitsAndAnEmptyShareMatchOneReplica() {
    Dataset train = FashionData.train();
    UpdaterSpec nesterov = new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.9);
    List<Replica> one = List.of(replica(train, nesterov, GLOBAL));
    List<Replica> three = List.of(replica(train, nesterov, 100), replica(train, nesterov, 100),
        replica(train, nesterov, 100));
    int[][] splits = {{43, 43, 42}, {100, 28, 0}, {0, 64, 64}, {1, 100, 27}, {42, 43, 43}};

    for (int s = 0; s < 15; s++) {
      int[] split = splits[s % splits.length];
      step(one, batch(s, GLOBAL), GLOBAL);
      step(three, batch(s, GLOBAL), split);
    }
    // a short last step, as at the end of an epoch: 5 samples, one replica idle
    step(one, batch(15, 5), 5);
    step(three, batch(15, 5), 3, 0, 2);

    long c = three.get(0).paramsChecksum();
    assertThat(three).allSatisfy(r -> assertThat(r.paramsChecksum()).isEqualTo(c));
    FloatArrays.assertBitIdentical(three.get(1).paramsCopy(), three.get(0).paramsCopy());
    FloatArrays.assertClose(three.get(2).paramsCopy(), one.get(0).paramsCopy(), 1e-3);
  }

  @Test
  void emptyLocalBatchGivesZeroGradientAndZeroLoss() {
    Replica r = replica(FashionData.train(), UpdaterSpec.adam(1e-3), 32);
    r.computeGradient(FashionData.range(0, 32), 32);
    assertThat(nonZero(r.gradientBuffer())).isPositive();

    StepResult empty = r.computeGradient(new int[0], 0);

    assertThat(empty).isEqualTo(new StepResult(0, 0));
    assertThat(nonZero(r.gradientBuffer())).isZero();
    float[] before = r.paramsCopy();
    r.applyGradient(64); // others' gradients would be in the buffer; here all zero
    assertThat(r.iteration()).isEqualTo(1);
    // Adam with a zero gradient and zero moments leaves the parameters unchanged
    FloatArrays.assertBitIdentical(r.paramsCopy(), before);
  }

  private static int nonZero(FloatBuffer b) {
    int n = 0;
    for (int i = 0; i < b.limit(); i++) {
      if (b.get(i) != 0f) {
        n++;
      }
    }
    return n;
  }
}
