package io.ringmaster.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Job-file field paths (what the error text says) to proto paths (what BadRequest carries). */
class ProtoFieldPathsTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "spec, spec",
      "spec.batchSize, spec.batch_size",
      "spec.epochs, spec.epochs",
      "spec.data.train.path, spec.data.train.path",
      "spec.data.train.labels, spec.data.train.labels_path",
      "spec.data.test.labelColumn, spec.data.test.label_column",
      "spec.data.test.labelsDataset, spec.data.test.labels_dataset",
      "spec.model.architecture, spec.model.builtin.architecture",
      "spec.model.hidden[1], spec.model.builtin.hidden[1]",
      "spec.model.dl4jJson, spec.model.dl4j_json",
      "spec.model.dl4jJsonFile, spec.model.dl4j_json",
      "spec.updater.learningRate, spec.updater.learning_rate",
      "spec.resources.heapMb, spec.resources.heap_mb",
      "spec.faultTolerance.maxReplacements, spec.fault_tolerance.max_replacements",
      "spec.kubernetes.affinity, spec.kubernetes.affinity_json",
      "spec.kubernetes.tolerations[0].tolerationSeconds, spec.kubernetes.tolerations[0].toleration_seconds",
      "spec.kubernetes.nodeSelector.disk, spec.kubernetes.node_selector.disk",
      "spec.noSuchField.x, spec.noSuchField.x",
      "job_id, job_id"})
  void mapsTheJobFileNameToTheProtoPath(String yaml, String proto) {
    assertThat(ProtoFieldPaths.of(yaml)).isEqualTo(proto);
  }
}
