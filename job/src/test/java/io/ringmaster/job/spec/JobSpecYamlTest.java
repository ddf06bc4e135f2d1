package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobSpecYamlTest {
  static final String GOOD = """
      name: fashion-mlp
      model: {architecture: mlp, hidden: [256, 128], activation: relu}
      data:
        train: {path: /d/train-images-idx3-ubyte.gz, labels: /d/train-labels-idx1-ubyte.gz}
        test: {path: /d/t10k-images-idx3-ubyte.gz, labels: /d/t10k-labels-idx1-ubyte.gz}
      epochs: 3
      batchSize: 128
      updater: {type: adam, learningRate: 0.001}
      seed: 42
      workers: 2
      """;

  @Test
  void readsAGoodSpec() {
    JobSpec s = JobSpecYaml.parse(GOOD, Path.of("/jobs"));
    assertThat(s.name()).isEqualTo("fashion-mlp");
    assertThat(s.model()).isEqualTo(new ModelSpec.Builtin("mlp", java.util.List.of(256, 128), "relu"));
    assertThat(s.data().train().format()).isEqualTo(DatasetRef.Format.IDX);
    assertThat(s.data().train().labelsPath()).isEqualTo("/d/train-labels-idx1-ubyte.gz");
    assertThat(s.epochs()).isEqualTo(3);
    assertThat(s.batchSize()).isEqualTo(128);
    assertThat(s.updater()).isEqualTo(new UpdaterSpec(UpdaterSpec.Type.ADAM, 0.001, 0.9));
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.workers()).isEqualTo(2);
    assertThat(s.resources()).isEqualTo(ResourceSpec.DEFAULTS);
  }

  @Test
  void defaultsSeedAndWorkersAndResolvesRelativePaths() {
    String yaml = GOOD.replace("seed: 42\n", "").replace("workers: 2\n", "")
        .replace("/d/train-images-idx3-ubyte.gz", "data/train.idx");
    JobSpec s = JobSpecYaml.parse(yaml, Path.of("/jobs"));
    assertThat(s.seed()).isEqualTo(JobSpec.DEFAULT_SEED);
    assertThat(s.workers()).isEqualTo(1);
    assertThat(s.data().train().path()).isEqualTo("/jobs/data/train.idx");
  }

  @Test
  void protoRoundTripKeepsEverything() {
    JobSpec s = JobSpecYaml.parse(GOOD, Path.of("/jobs"));
    assertThat(SpecProtos.fromProto(SpecProtos.toProto(s))).isEqualTo(s);
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of(GOOD.replace("epochs: 3", "epochs: 0"), "spec.epochs", "must be >= 1"),
        Arguments.of(GOOD.replace("epochs: 3", "epochs: three"), "spec.epochs", "must be an integer"),
        Arguments.of(GOOD.replace("batchSize: 128", "batchSize: 1"), "spec.batchSize", "must be >= workers"),
        Arguments.of(GOOD.replace("workers: 2", "workers: 0"), "spec.workers", "must be >= 1"),
        Arguments.of(GOOD.replace("workers: 2", "workers: 100001").replace("batchSize: 128", "batchSize: 200000"),
            "spec.workers", "must be <= 100000"),
        Arguments.of(GOOD.replace("type: adam", "type: adagrad"), "spec.updater.type", "unknown updater 'adagrad'"),
        Arguments.of(GOOD.replace("learningRate: 0.001", "learningRate: -1"), "spec.updater.learningRate", "> 0"),
        Arguments.of(GOOD.replace("architecture: mlp", "architecture: resnet"), "spec.model.architecture",
            "unknown architecture 'resnet'"),
        Arguments.of(GOOD.replace("hidden: [256, 128]", "hidden: [256, 0]"), "spec.model.hidden[1]", "between 1 and 65536 units, got 0"),
        Arguments.of(GOOD.replace(", labels: /d/train-labels-idx1-ubyte.gz", ""), "spec.data.train.labels",
            "needs a labels file"),
        Arguments.of(GOOD.replace("seed: 42", "sead: 42"), "spec.sead", "unknown field"),
        Arguments.of(GOOD.replace("model: {architecture: mlp, hidden: [256, 128], activation: relu}", ""),
            "spec.model", "missing"),
        Arguments.of(GOOD + "strategy: ps\n", "spec.strategy", "unknown strategy"),
        Arguments.of(GOOD + "resources: {heapMb: 10}\n", "spec.resources.heapMb", "between 128 and 1048576 MiB, got 10"),
        Arguments.of("epochs: [1\n", "spec", "not valid YAML"),
        Arguments.of("- a\n- b\n", "spec", "must be a YAML mapping"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSpecs")
  void badSpecsNameTheirField(String yaml, String field, String messagePart) {
    assertThatThrownBy(() -> JobSpecYaml.parse(yaml, Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.message()).contains(messagePart);
          });
          assertThat(e.reason()).isEqualTo("InvalidSpec");
        });
  }

  @Test
  void reportsEveryViolationAtOnce() {
    String yaml = GOOD.replace("epochs: 3", "epochs: 0").replace("type: adam", "type: nope");
    assertThatThrownBy(() -> JobSpecYaml.parse(yaml, Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e ->
            assertThat(e.violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("spec.epochs", "spec.updater.type"));
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> JobSpecYaml.read(Path.of("/nonexistent/job.yaml")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("job file not found: /nonexistent/job.yaml");
  }

  @Test
  void aJobOfAThousandWorkersIsAValidSpec() {
    JobSpec s = JobSpecYaml.parse(GOOD.replace("workers: 2", "workers: 1000").replace("batchSize: 128",
        "batchSize: 4000"), Path.of("/jobs"));
    assertThat(s.workers()).isEqualTo(1000);
  }
}
