package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Datasets named by a stored dataset's name or hash: YAML, proto round trip, field-path errors. */
class StoredDatasetSpecTest {
  static String spec(String train, String test) {
    return """
        model: {architecture: mlp}
        data:
          train: %s
          test: %s
        epochs: 1
        batchSize: 8
        updater: {type: sgd, learningRate: 0.1}
        """.formatted(train, test);
  }

  @Test
  void storedDatasetsAreReadKeptThroughTheProtoAndNotResolvedAgainstTheJobDirectory() {
    JobSpec s = JobSpecYaml.parse(spec("{dataset: fm-train-images, labelsDataset: fm-train-labels}",
        "{dataset: table.csv}"), Path.of("/jobs"));

    DatasetRef train = s.data().train();
    assertThat(train.dataset()).isEqualTo("fm-train-images");
    assertThat(train.labelsDataset()).isEqualTo("fm-train-labels");
    assertThat(train.path()).isEmpty();
    assertThat(train.format()).isEqualTo(DatasetRef.Format.IDX);
    assertThat(s.data().test().format()).as("inferred from the dataset's name").isEqualTo(DatasetRef.Format.CSV);
    JobSpec back = SpecProtos.resolve(SpecProtos.toProto(s), new java.util.ArrayList<>());
    assertThat(back.data()).isEqualTo(s.data());
  }

  @Test
  void pathAndDatasetTogetherOrNeitherAreFieldPathErrors() {
    assertThatThrownBy(() -> JobSpecYaml.parse(spec("{path: a, dataset: b, labels: c}", "{labelColumn: x}"),
        Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field)
            .contains("spec.data.train.dataset", "spec.data.test.path"));
    assertThatThrownBy(() -> JobSpecYaml.parse(spec("{dataset: imgs}", "{dataset: t.csv, labelsDataset: l}"),
        Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field)
            .contains("spec.data.train.labels", "spec.data.test.labelsDataset"));
  }
}
