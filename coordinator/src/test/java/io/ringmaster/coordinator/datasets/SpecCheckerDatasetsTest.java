package io.ringmaster.coordinator.datasets;

import static io.ringmaster.coordinator.datasets.DatasetScope.EVERY_TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.jobs.SpecChecker;
import io.ringmaster.coordinator.jobs.ValidatedJob;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.Violation;
import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.UpdaterSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's validation of a spec naming stored datasets: probed from the store, names pinned. */
class SpecCheckerDatasetsTest {
  @TempDir Path dir;

  static JobSpec spec(DatasetRef train, DatasetRef test) {
    return JobSpec.newBuilder()
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder().setArchitecture("mlp")))
        .setData(DataSpec.newBuilder().setTrain(train).setTest(test))
        .setEpochs(1).setBatchSize(4).setUpdater(UpdaterSpec.newBuilder().setType("sgd").setLearningRate(0.1))
        .build();
  }

  @Test
  void namesArePinnedToTheirHashAndTheStoredFilesProbed() throws Exception {
    DatasetStore store = new DatasetStore(dir, new DatasetLimits(1 << 20, 0, 8, Duration.ofHours(1)), System::currentTimeMillis);
    String images = push(store, "imgs", SampleFiles.idxImages(12, 4, 4, 1));
    String labels = push(store, "lbls", SampleFiles.idxLabels(12, 3));
    SpecChecker checker = new SpecChecker(8, store);

    ValidatedJob v = checker.check(spec(
        DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls").build(),
        DatasetRef.newBuilder().setDataset(images).setLabelsDataset(labels).build()));

    assertThat(v.train().samples()).isEqualTo(12);
    assertThat(v.train().classes()).isEqualTo(3);
    assertThat(v.specProto().getData().getTrain().getDataset()).isEqualTo(images);
    assertThat(v.specProto().getData().getTrain().getLabelsDataset()).isEqualTo(labels);
    assertThat(v.specProto().getData().getTrain().getPath()).isEmpty();
  }

  @Test
  void anUnknownOrMismatchedDatasetIsNamedByItsFieldPath() throws Exception {
    DatasetStore store = new DatasetStore(dir, new DatasetLimits(1 << 20, 0, 8, Duration.ofHours(1)), System::currentTimeMillis);
    push(store, "imgs", SampleFiles.idxImages(12, 4, 4, 1));
    push(store, "lbls", SampleFiles.idxLabels(10, 3));
    SpecChecker checker = new SpecChecker(8, store);

    assertThatThrownBy(() -> checker.check(spec(
        DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls").build(),
        DatasetRef.newBuilder().setDataset("missing").setLabelsDataset("lbls").build())))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).containsExactly("spec.data.test.dataset"));
    assertThatThrownBy(() -> checker.check(spec(
        DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls").build(),
        DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls").build())))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).contains("spec.data.train.labelsDataset"));
  }

  private static String push(DatasetStore store, String name, byte[] bytes) throws Exception {
    var s = store.start(EVERY_TENANT, SampleFiles.announce(name, bytes));
    return store.append(EVERY_TENANT, s.getUploadId(), 0, bytes).getDataset().getSha256();
  }
}
