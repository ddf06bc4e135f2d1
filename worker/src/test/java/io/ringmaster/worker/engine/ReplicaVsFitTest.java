package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The replica's step (gradient, then update with the batch size) is DL4J's own fit() step. */
class ReplicaVsFitTest {

  /** The same batch as DL4J arrays, built independently of the replica's gather. */
  static DataSet dataSet(Dataset d, int[] idx, int outputs) {
    float[] x = new float[idx.length * d.features()];
    d.gather(idx, idx.length, x, 0);
    float[] y = new float[idx.length * outputs];
    for (int k = 0; k < idx.length; k++) {
      y[k * outputs + d.label(idx[k])] = 1f;
    }
    INDArray fx = Nd4j.create(x, new long[] {idx.length, d.features()}, 'c');
    INDArray fy = Nd4j.create(y, new long[] {idx.length, outputs}, 'c');
    return new DataSet(fx, fy);
  }

  static void compareWithFit(ModelSpec model, UpdaterSpec updater, int steps) {
    compareWithFit(model, updater, steps, 1e-5);
  }

  /**
   * @param paramsTolerance relative tolerance on the parameters after {@code steps}: 1e-5 when the replica
   *     runs DL4J's own forward/backward pass; a dense network runs {@link DenseStep}, whose gradient differs
   *     from DL4J's by float rounding (as much as DL4J's own float pass differs from a DOUBLE one, see
   *     {@link DenseStepTest}), and Adam magnifies that in parameters whose gradient is near zero
   */
  static void compareWithFit(ModelSpec model, UpdaterSpec updater, int steps, double paramsTolerance) {
    Dataset train = FashionData.train();
    Replica replica = Replica.create(model, updater, 11, train, 128);
    boolean dl4jPaths = Boolean.getBoolean(DenseStep.DISABLE_PROPERTY) && Boolean.getBoolean(FusedAdam.DISABLE_PROPERTY);
    if (dl4jPaths || model instanceof ModelSpec.Builtin b && !b.architecture().equals(ModelSpec.MLP)) {
      assertThat(replica.usesDenseStep()).isFalse();
    }
    assertThat(replica.usesFusedAdam()).isEqualTo(updater.type() == UpdaterSpec.Type.ADAM
        && !Boolean.getBoolean(FusedAdam.DISABLE_PROPERTY));
    MultiLayerNetwork reference = ModelFactory.build(model, updater, 11, train.info());
    FloatArrays.assertBitIdentical(reference.params().castTo(DataType.FLOAT).toFloatVector(), replica.paramsCopy());

    for (int s = 0; s < steps; s++) {
      int[] idx = FashionData.range(s * 128, 128);
      StepResult r = replica.computeGradient(idx, 128);
      replica.applyGradient(128);
      reference.fit(dataSet(train, idx, replica.outputs()));
      // DL4J's score is the mean loss of the batch
      assertThat(r.lossSum() / 128).isCloseTo(reference.score(), org.assertj.core.data.Offset.offset(1e-5));
    }
    float[] expected = reference.params().toFloatVector();
    assertThat(replica.iteration()).isEqualTo(reference.getIterationCount()).isEqualTo(steps);
    FloatArrays.assertClose(replica.paramsCopy(), expected, paramsTolerance);
    FloatArrays.assertClose(replica.updaterStateCopy(),
        reference.getUpdater().getStateViewArray().toFloatVector(), 1e-4);
  }

  @Test
  void mlpWithAdamMatchesFit() {
    compareWithFit(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 5, 2e-4);
  }

  /** With DL4J's own pass and updater the replica computes exactly what fit() computes. */
  @Test
  void mlpOnDl4jsOwnPassAndUpdaterMatchesFitClosely() {
    withProperties(() -> compareWithFit(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 5),
        DenseStep.DISABLE_PROPERTY, FusedAdam.DISABLE_PROPERTY);
  }

  /** {@link FusedAdam} alone (DL4J's forward/backward pass): DL4J's Adam up to float rounding. */
  @Test
  void mlpWithFusedAdamMatchesFit() {
    withProperties(() -> compareWithFit(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 5, 1e-4),
        DenseStep.DISABLE_PROPERTY);
  }

  /** Runs {@code r} with each of the boolean system properties set to true. */
  static void withProperties(Runnable r, String... trueProperties) {
    for (String p : trueProperties) {
      System.setProperty(p, "true");
    }
    try {
      r.run();
    } finally {
      for (String p : trueProperties) {
        System.clearProperty(p);
      }
    }
  }

  @Test
  void lenetWithNesterovMatchesFit() {
    compareWithFit(ModelSpec.Builtin.lenet(), new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.9), 3);
  }
}
