package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code resources.gpus} field and the {@code kubernetes} section: reading, defaults, proto, validation. */
class KubernetesSpecYamlTest {
  static final String K8S = JobSpecYamlTest.GOOD + """
      resources: {gpus: 2}
      kubernetes:
        nodeSelector: {accelerator: nvidia-a100}
        tolerations:
          - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchExpressions: [{key: zone, operator: In, values: [a]}]
        priorityClassName: training-high
        image: registry.example/ringmaster-worker:custom
        volumes:
          - {claimName: fashion-data, mountPath: /data, readOnly: true}
        schedulerName: volcano
        queue: research
      """;

  @Test
  void readsEveryField() {
    JobSpec s = JobSpecYaml.parse(K8S, Path.of("/jobs"));
    assertThat(s.resources().gpus()).isEqualTo(2);
    assertThat(s.resources().heapMb()).isEqualTo(ResourceSpec.DEFAULT_HEAP_MB);
    KubernetesSpec k = s.kubernetes();
    assertThat(k.nodeSelector()).isEqualTo(Map.of("accelerator", "nvidia-a100"));
    assertThat(k.tolerations()).containsExactly(
        new KubernetesSpec.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null));
    assertThat(k.affinityJson()).contains("\"nodeAffinity\"").contains("\"zone\"");
    assertThat(k.priorityClassName()).isEqualTo("training-high");
    assertThat(k.image()).isEqualTo("registry.example/ringmaster-worker:custom");
    assertThat(k.volumes()).containsExactly(new KubernetesSpec.Volume("fashion-data", "/data", true));
    assertThat(k.schedulerName()).isEqualTo("volcano");
    assertThat(k.queue()).isEqualTo("research");
  }

  @Test
  void absentSectionResolvesToEmptyAndNoGpus() {
    JobSpec s = JobSpecYaml.parse(JobSpecYamlTest.GOOD, Path.of("/jobs"));
    assertThat(s.kubernetes()).isEqualTo(KubernetesSpec.EMPTY);
    assertThat(s.resources().gpus()).isZero();
  }

  @Test
  void protoRoundTripKeepsTheSection() {
    JobSpec s = JobSpecYaml.parse(K8S, Path.of("/jobs"));
    JobSpec back = SpecProtos.fromProto(SpecProtos.toProto(s));
    assertThat(back.resources()).isEqualTo(s.resources());
    assertThat(back.kubernetes().tolerations()).containsExactly(
        new KubernetesSpec.Toleration("nvidia.com/gpu", "Exists", "", "NoSchedule", null));
    assertThat(back.kubernetes().volumes()).isEqualTo(s.kubernetes().volumes());
    assertThat(back.kubernetes().nodeSelector()).isEqualTo(s.kubernetes().nodeSelector());
    assertThat(back.kubernetes().affinityJson()).isEqualTo(s.kubernetes().affinityJson());
    assertThat(SpecProtos.resolve(SpecProtos.toProto(s)).kubernetes().queue()).isEqualTo("research");
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of(K8S.replace("gpus: 2", "gpus: -1"), "spec.resources.gpus", "between 0 and 16"),
        Arguments.of(K8S.replace("gpus: 2", "gpus: 17"), "spec.resources.gpus", "between 0 and 16"),
        Arguments.of(K8S.replace("operator: Exists", "operator: Sometimes"), "spec.kubernetes.tolerations[0].operator",
            "unknown operator 'Sometimes'"),
        Arguments.of(K8S.replace("effect: NoSchedule", "effect: Never"), "spec.kubernetes.tolerations[0].effect",
            "unknown effect 'Never'"),
        Arguments.of(K8S.replace("operator: Exists,", "operator: Exists, value: x,"),
            "spec.kubernetes.tolerations[0].value", "must be empty with operator Exists"),
        Arguments.of(K8S.replace("{key: nvidia.com/gpu, operator: Exists,", "{operator: Equal,"),
            "spec.kubernetes.tolerations[0].key", "is required"),
        Arguments.of(K8S.replace("tolerations:\n    - {", "tolerations:\n    - {tolerationSeconds: 5, "),
            "spec.kubernetes.tolerations[0].tolerationSeconds", "only applies to effect NoExecute"),
        Arguments.of(K8S.replace("mountPath: /data", "mountPath: data"), "spec.kubernetes.volumes[0].mountPath",
            "must be an absolute path"),
        Arguments.of(K8S.replace("claimName: fashion-data", "claimName: Fashion_Data"),
            "spec.kubernetes.volumes[0].claimName", "not a valid Kubernetes name"),
        Arguments.of(K8S.replace("claimName: fashion-data, ", ""), "spec.kubernetes.volumes[0].claimName",
            "is required"),
        Arguments.of(K8S.replace("priorityClassName: training-high", "priorityClassName: High!"),
            "spec.kubernetes.priorityClassName", "not a valid Kubernetes name"),
        Arguments.of(K8S.replace("nodeAffinity:", "nodeAfinity:"), "spec.kubernetes.affinity.nodeAfinity",
            "unknown field"),
        Arguments.of(K8S.replace("queue: research", "queue: 'research queue'"), "spec.kubernetes.queue",
            "not a valid label value"),
        Arguments.of(K8S.replace("nodeSelector: {accelerator: nvidia-a100}", "nodeSelector: [a]"),
            "spec.kubernetes.nodeSelector", "must be a mapping"),
        Arguments.of(K8S.replace("schedulerName: volcano", "schedulerName: volcano\n  gpu: 1"),
            "spec.kubernetes.gpu", "unknown field"),
        Arguments.of(K8S.replace("volumes:\n", "volumes: {}\n  unused:\n"), "spec.kubernetes.volumes",
            "must be a list"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("bad")
  void namesTheBadField(String yaml, String field, String message) {
    assertThatThrownBy(() -> JobSpecYaml.parse(yaml, Path.of("/jobs")))
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).violations())
            .anySatisfy(v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).contains(message);
            }));
  }

  @Test
  void listsOfSeveralProblemsAreReportedTogether() {
    String yaml = K8S.replace("gpus: 2", "gpus: -1").replace("mountPath: /data", "mountPath: data");
    assertThatThrownBy(() -> JobSpecYaml.parse(yaml, Path.of("/jobs")))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).contains("spec.resources.gpus", "spec.kubernetes.volumes[0].mountPath"));
  }

  @Test
  void aSpecWithoutTheSectionResolvesToTheEmptyOne() {
    JobSpec without = new JobSpec("x", null, null, 1, 1, null, null, 1, null, null, null, null);
    assertThat(without.kubernetes()).isNull();
    assertThat(JobSpecResolver.withDefaults(without).kubernetes()).isEqualTo(KubernetesSpec.EMPTY);
  }
}
