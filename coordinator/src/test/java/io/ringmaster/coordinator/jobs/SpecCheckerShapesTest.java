package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.UpdaterSpec;
import org.junit.jupiter.api.Test;

/** A job whose rows the host holds (a Spark driver's): checked against the shapes it gives, no file read. */
class SpecCheckerShapesTest {
  private static final DatasetInfo TRAIN = new DatasetInfo(3000, 1, 1, 784, 10);
  private static final DatasetInfo TEST = new DatasetInfo(1000, 1, 1, 784, 10);

  private static io.ringmaster.proto.v1.JobSpec spec(int workers) {
    return SpecProtos.toProto(new JobSpec("spark", new ModelSpec.Builtin(ModelSpec.MLP, null, null),
        new DataSpec(DatasetRef.csv("spark:/no/such/train", "label"), DatasetRef.csv("spark:/no/such/test", "label")),
        2, 64, UpdaterSpec.adam(1e-3), null, workers, null, null, null, null));
  }

  @Test
  void theGivenShapesStandInForTheFiles() {
    ValidatedJob v = new SpecChecker(64).checkWithShapes(spec(2), TRAIN, TEST);
    assertThat(v.train()).isEqualTo(TRAIN);
    assertThat(v.test()).isEqualTo(TEST);
    assertThat(v.spec().workers()).isEqualTo(2);
    assertThat(v.spec().ft()).as("resolved: defaults filled").isNotNull();
  }

  @Test
  void valuesLimitsAndShapesAreStillChecked() {
    assertThatThrownBy(() -> new SpecChecker(1).checkWithShapes(spec(2), TRAIN, TEST))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("spec.workers");
    assertThatThrownBy(() -> new SpecChecker(64).checkWithShapes(spec(2), TRAIN, new DatasetInfo(1000, 1, 1, 100, 10)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("spec.data.test");
  }
}
