package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An installation's job defaults: read with field paths, and applied only where a job says nothing. */
class JobDefaultsTest {
  static final String INSTALLATION = """
      resources: {heapMb: 2048, offheapMb: 3072, threads: 2}
      kubernetes:
        nodeSelector: {pool: training}
        schedulerName: volcano
        queue: team-a
      gpuKubernetes:
        nodeSelector: {nvidia.com/gpu.present: "true"}
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      """;
  static final KubernetesSpec.Toleration GPU_TAINT =
      new KubernetesSpec.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null);

  static JobDefaults defaults(String yaml, List<Violation> v) throws Exception {
    JsonNode n = new YAMLMapper().readTree(yaml);
    return JobSpecYaml.readDefaults("jobDefaults", n, v);
  }

  static JobSpec resolved(String extra) throws Exception {
    List<Violation> v = new ArrayList<>();
    JobDefaults d = defaults(INSTALLATION, v);
    assertThat(v).isEmpty();
    JobSpec given = JobSpecYaml.parseAsGiven(JobSpecYamlTest.GOOD + extra, Path.of("/jobs"), UnaryOperator.identity());
    return JobSpecResolver.resolve(given, d, List.of());
  }

  /** extra job-file lines, then what the resolved job must show. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("", 2048, 3072, 2, 0, Map.of("pool", "training"), List.of(), "volcano", "team-a"),
        Arguments.of("resources: {heapMb: 512}\n", 512, 3072, 2, 0, Map.of("pool", "training"), List.of(),
            "volcano", "team-a"),
        Arguments.of("resources: {gpus: 1}\n", 2048, 3072, 2, 1,
            Map.of("pool", "training", "nvidia.com/gpu.present", "true"), List.of(GPU_TAINT), "volcano", "team-a"),
        Arguments.of("resources: {gpus: 1}\nkubernetes: {nodeSelector: {pool: a100}, queue: urgent}\n", 2048, 3072,
            2, 1, Map.of("pool", "a100"), List.of(GPU_TAINT), "volcano", "urgent"),
        Arguments.of("kubernetes: {tolerations: [{key: spot, operator: Exists}], schedulerName: default-scheduler}\n",
            2048, 3072, 2, 0, Map.of("pool", "training"),
            List.of(new KubernetesSpec.Toleration("spot", "Exists", null, null, null)), "default-scheduler",
            "team-a"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("table")
  void fillOnlyWhatTheJobLeavesOut(String extra, int heap, int offheap, int threads, int gpus,
      Map<String, String> selector, List<KubernetesSpec.Toleration> tolerations, String schedulerName, String queue)
      throws Exception {
    JobSpec s = resolved(extra);
    assertThat(s.resources()).isEqualTo(new ResourceSpec(heap, offheap, threads, gpus));
    assertThat(s.kubernetes().nodeSelector()).isEqualTo(selector);
    assertThat(s.kubernetes().tolerations()).isEqualTo(tolerations);
    assertThat(s.kubernetes().schedulerName()).isEqualTo(schedulerName);
    assertThat(s.kubernetes().queue()).isEqualTo(queue);
  }

  @Test
  void theBuiltInDefaultsApplyWithoutAnInstallation() throws Exception {
    JobSpec given = JobSpecYaml.parseAsGiven(JobSpecYamlTest.GOOD, Path.of("/jobs"), UnaryOperator.identity());
    assertThat(given.resources()).as("as given: nothing filled in").isNull();
    JobSpec s = JobSpecResolver.resolve(given, JobDefaults.BUILT_IN, List.of());
    assertThat(s).isEqualTo(JobSpecYaml.parse(JobSpecYamlTest.GOOD, Path.of("/jobs")));
    assertThat(s.resources()).isEqualTo(ResourceSpec.DEFAULTS);
  }

  @Test
  void badDefaultsAreNamedWithTheirFieldPaths() throws Exception {
    List<Violation> v = new ArrayList<>();
    defaults("""
        resources: {heapMb: 64, gpus: 1, disk: 3}
        kubernetes: {tolerations: [{key: a, effect: Sometimes}], schedulerName: Volcano_X}
        gpuKubernetes: {nodeSelector: {gpu: "not valid!"}}
        extra: 1
        """, v);
    assertThat(v).extracting(Violation::field).containsExactlyInAnyOrder(
        "jobDefaults.extra", "jobDefaults.resources.disk", "jobDefaults.resources.gpus",
        "jobDefaults.resources.heapMb", "jobDefaults.kubernetes.tolerations[0].effect",
        "jobDefaults.kubernetes.schedulerName", "jobDefaults.gpuKubernetes.nodeSelector.gpu");
  }
}
