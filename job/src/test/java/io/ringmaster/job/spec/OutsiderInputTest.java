package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #10, defects 2, 5, 6 and 7 as an outsider would hit them: through the YAML job file and through
 * the proto a gRPC client sends. Each row is refused with the field (or key) at fault; before the fix
 * each was accepted (and the job ran, or crashed its workers).
 */
class OutsiderInputTest {
  static Stream<Arguments> yamlFiles() {
    String good = JobSpecYamlTest.GOOD;
    return Stream.of(
        Arguments.of("duplicate key (the last one used to win)", good + "epochs: 500\n", "spec",
            "duplicate key 'epochs'"),
        Arguments.of("duplicate nested key", good.replace("learningRate: 0.001}", "learningRate: 0.001,"
            + " learningRate: 5}"), "spec", "duplicate key 'learningRate'"),
        Arguments.of("maxReplacements -1 (was silently 'unset')", good + "faultTolerance: {maxReplacements: -1}\n",
            "spec.faultTolerance.maxReplacements", "must be >= 0"),
        Arguments.of("maxReplacements -5", good + "faultTolerance: {maxReplacements: -5}\n",
            "spec.faultTolerance.maxReplacements", "must be >= 0"),
        Arguments.of("a hidden layer of ten million units", good.replace("hidden: [256, 128]",
            "hidden: [10000000, 128]"), "spec.model.hidden[0]", "between 1 and 65536"),
        Arguments.of("heap of a terabyte and more", good + "resources: {heapMb: 2000000}\n",
            "spec.resources.heapMb", "between 128 and 1048576"),
        Arguments.of("off-heap of two terabytes", good + "resources: {offheapMb: 2000000}\n",
            "spec.resources.offheapMb", "between 128 and 1048576"),
        Arguments.of("ten thousand threads", good + "resources: {threads: 10000}\n", "spec.resources.threads",
            "between 1 and 1024"),
        Arguments.of("unknown data format", good.replace("train: {path:", "train: {format: parquet, path:"),
            "spec.data.train.format", "unknown format 'parquet'"),
        Arguments.of("unknown strategy", good + "strategy: parameter-server\n", "spec.strategy",
            "unknown strategy"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlFiles")
  void jobFileRefused(String name, String yaml, String field, String text) {
    assertThatThrownBy(() -> JobSpecYaml.parse(yaml, Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations()).anySatisfy(v -> {
          assertThat(v.field()).isEqualTo(field);
          assertThat(v.message()).contains(text);
        }));
  }

  static Stream<Arguments> protos() {
    return Stream.of(
        proto(
            b -> b.setFaultTolerance(io.ringmaster.proto.v1.FaultToleranceSpec.newBuilder().setMaxReplacements(-1)),
            "spec.faultTolerance.maxReplacements", "must be >= 0"),
        proto(
            b -> b.setData(b.getData().toBuilder().setTrain(b.getData().getTrain().toBuilder().setFormatValue(42))),
            "spec.data.train.format", "unknown format (enum value 42)"),
        proto(
            b -> b.setData(b.getData().toBuilder().setTest(b.getData().getTest().toBuilder().setFormatValue(-3))),
            "spec.data.test.format", "unknown format (enum value -3)"),
        proto(b -> b.setStrategyValue(9),
            "spec.strategy", "unknown strategy (enum value 9)"),
        proto(
            b -> b.setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder().setThreads(1_000_000)),
            "spec.resources.threads", "between 1 and 1024"));
  }

  static Arguments proto(UnaryOperator<io.ringmaster.proto.v1.JobSpec.Builder> edit, String field, String text) {
    return Arguments.of(edit, field, text);
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("protos")
  void protoRefused(UnaryOperator<io.ringmaster.proto.v1.JobSpec.Builder> edit, String field, String text) {
    io.ringmaster.proto.v1.JobSpec good = SpecProtos.toProto(JobSpecYaml.parse(JobSpecYamlTest.GOOD, Path.of("/")));
    io.ringmaster.proto.v1.JobSpec bad = edit.apply(good.toBuilder()).build();
    assertThatThrownBy(() -> SpecProtos.resolve(bad))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations()).anySatisfy(v -> {
          assertThat(v.field()).isEqualTo(field);
          assertThat(v.message()).contains(text);
        }));
  }
}
