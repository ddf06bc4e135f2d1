package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.datasets.StoredDatasets;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.job.spec.Violation;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #10, defect 2: jobs no worker could run (huge layers, heap, off-heap, threads) are refused at
 * submission with the field at fault, against the coordinator's limits and the model's parameter count,
 * before the model is built.
 */
class SpecCheckerLimitsTest {
  static final DatasetInfo IMAGES = new DatasetInfo(3000, 1, 28, 28, 10);
  static final DatasetInfo HUGE_IMAGES = new DatasetInfo(10, 1, 4000, 4000, 10);
  static final SpecLimits LIMITS = new SpecLimits(4096, 8192, 8, 50_000_000L);

  static io.ringmaster.proto.v1.JobSpec.Builder mlp(List<Integer> hidden) {
    return SpecProtos.toProto(new JobSpec("limits", new ModelSpec.Builtin(ModelSpec.MLP, hidden, null),
        new DataSpec(DatasetRef.csv("host:/train", "label"), DatasetRef.csv("host:/test", "label")),
        1, 64, UpdaterSpec.adam(1e-3), null, 1, null, null, null, null)).toBuilder();
  }

  static Stream<Arguments> tooBig() {
    return Stream.of(
        row("heap over the coordinator's limit", b -> b.setResources(b.getResourcesBuilder().setHeapMb(4097)),
            IMAGES, "spec.resources.heapMb", "<= 4096"),
        row("off-heap over the coordinator's limit", b -> b.setResources(b.getResourcesBuilder()
            .setOffheapMb(100_000)), IMAGES, "spec.resources.offheapMb", "<= 8192"),
        row("threads over the coordinator's limit", b -> b.setResources(b.getResourcesBuilder().setThreads(9)),
            IMAGES, "spec.resources.threads", "<= 8"),
        row("heap beyond any machine", b -> b.setResources(b.getResourcesBuilder().setHeapMb(Integer.MAX_VALUE)),
            IMAGES, "spec.resources.heapMb", "<= 4096"),
        row("a hidden layer beyond any model", b -> mlp(List.of(10_000_000)), IMAGES, "spec.model.hidden[0]",
            "between 1 and 65536"),
        row("more parameters than the limit", b -> mlp(List.of(65_536, 65_536)), IMAGES, "spec.model",
            "parameters on this data, more than this coordinator's limit of 50000000"),
        row("lenet on huge images (its dense layer)", b -> b.setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder()
            .setBuiltin(io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("lenet"))), HUGE_IMAGES,
            "spec.model", "more than this coordinator's limit"),
        row("a model that does not fit its off-heap memory", b -> mlp(List.of(4096, 4096)).setResources(
            io.ringmaster.proto.v1.ResourceSpec.newBuilder().setOffheapMb(256)), IMAGES, "spec.resources.offheapMb",
            "more than the 256 MiB given"));
  }

  static Arguments row(String name, UnaryOperator<io.ringmaster.proto.v1.JobSpec.Builder> edit, DatasetInfo data,
      String field, String text) {
    return Arguments.of(name, edit, data, field, text);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tooBig")
  void refusedWithTheField(String name, UnaryOperator<io.ringmaster.proto.v1.JobSpec.Builder> edit, DatasetInfo data,
      String field, String text) {
    SpecChecker checker = new SpecChecker(64, StoredDatasets.NONE, LIMITS, DataRoots.UNCONFINED);
    io.ringmaster.proto.v1.JobSpec spec = edit.apply(mlp(List.of(256, 128))).build();
    assertThatThrownBy(() -> checker.checkWithShapes(spec, data, data))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).contains(text);
            }));
  }

  @Test
  void theDefaultMlpFitsEasily() {
    SpecChecker checker = new SpecChecker(64, StoredDatasets.NONE, LIMITS, DataRoots.UNCONFINED);
    assertThat(checker.checkWithShapes(mlp(List.of(256, 128)).build(), IMAGES, IMAGES).spec().resources().heapMb())
        .isEqualTo(1024);
    assertThat(io.ringmaster.model.ModelFactory.parameterCount(new ModelSpec.Builtin(ModelSpec.MLP,
        List.of(256, 128), "relu"), IMAGES)).isEqualTo(784L * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
  }

  @Test
  void violationsAreNamedOnce() {
    SpecChecker checker = new SpecChecker(64, StoredDatasets.NONE, LIMITS, DataRoots.UNCONFINED);
    io.ringmaster.proto.v1.JobSpec spec = mlp(List.of(256)).setResources(io.ringmaster.proto.v1.ResourceSpec
        .newBuilder().setHeapMb(5000).setThreads(100)).build();
    assertThatThrownBy(() -> checker.checkWithShapes(spec, IMAGES, IMAGES))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).containsExactly("spec.resources.heapMb", "spec.resources.threads"));
  }
}
