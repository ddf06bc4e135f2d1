package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ringmaster.job.spec.JobDefaults;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecResolver;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.KubernetesSpec;
import io.ringmaster.job.spec.Violation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's ConfigMap as the coordinator reads it: {@code coordinator.yaml}'s {@code jobDefaults} section
 * through the coordinator's own reader ({@link JobSpecYaml#readDefaults}, what {@code
 * CoordinatorConfigReader} calls for that section), and the first job the chart hands users
 * (example-trainingjob.yaml, see NOTES) resolved with those defaults, as the coordinator resolves it.
 */
class ExampleJobTest {
  private static JobDefaults jobDefaults(RenderedChart chart) throws Exception {
    var root = new YAMLMapper().readTree(chart.configText("coordinator.yaml"));
    List<Violation> problems = new ArrayList<>();
    JobDefaults d = JobSpecYaml.readDefaults("jobDefaults", root.get("jobDefaults"), problems);
    assertThat(problems).as("the coordinator accepts the chart's jobDefaults").isEmpty();
    return d;
  }

  private static JobSpec exampleJob(RenderedChart chart) throws Exception {
    String spec = StrictManifests.mapper().writeValueAsString(
        chart.configFile("example-trainingjob.yaml").path("spec"));
    JobSpec given = JobSpecYaml.parseAsGiven(spec, Path.of("/"), UnaryOperator.identity());
    return JobSpecResolver.resolve(given, jobDefaults(chart), List.of());
  }

  @Test
  void theExampleTrainingJobGetsTheChartsWorkerResourcesFromTheCoordinatorsDefaults() throws Exception {
    RenderedChart chart = Chart.ringmaster().render(Map.of("workers.resources.heapMb", 1536));

    JobSpec job = exampleJob(chart);

    assertThat(job.name()).isEqualTo("fashion-mlp");
    assertThat(job.workers()).isEqualTo(2);
    assertThat(job.resources().heapMb()).isEqualTo(1536);
    assertThat(job.resources().gpus()).isZero();
    assertThat(job.kubernetes().tolerations()).as("GPU tolerations are for GPU jobs only").isEmpty();
    assertThat(job.data().train().path()).startsWith("/data/fashion-mnist/");
  }

  @Test
  void aGpuInstallationsExampleJobGetsTheGpuPlacementAndTheDataVolume() throws Exception {
    RenderedChart chart = Chart.ringmaster().render(Map.of("workers.gpusPerWorker", 1,
        "workers.gpuNodeSelector.gpu-pool", "a100", "data.existingClaim", "datasets"));

    JobSpec job = exampleJob(chart);

    assertThat(job.resources().gpus()).isEqualTo(1);
    assertThat(job.kubernetes().nodeSelector()).isEqualTo(Map.of("gpu-pool", "a100"));
    assertThat(job.kubernetes().tolerations()).containsExactly(
        new KubernetesSpec.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule", null));
    assertThat(job.kubernetes().volumes()).containsExactly(new KubernetesSpec.Volume("datasets", "/data", true));
  }
}
