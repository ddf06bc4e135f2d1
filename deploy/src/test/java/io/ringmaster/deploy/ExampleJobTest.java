package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecYaml;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The first job the chart hands users (example-trainingjob.yaml in its ConfigMap, see NOTES) is a job the
 * coordinator accepts: its {@code spec} parses and resolves with the coordinator's own job file reader.
 */
class ExampleJobTest {
  @Test
  void theExampleTrainingJobsSpecIsAValidJobFile() {
    RenderedChart chart = Chart.ringmaster().render(Map.of("workers.resources.heapMb", 1536));
    JsonNode spec = chart.configFile("example-trainingjob.yaml").path("spec");

    JobSpec job = JobSpecYaml.parse(StrictManifests.mapper().writeValueAsString(spec), Path.of("/"));

    assertThat(job.name()).isEqualTo("fashion-mlp");
    assertThat(job.workers()).isEqualTo(2);
    assertThat(job.resources().heapMb()).isEqualTo(1536);
    assertThat(job.data().train().path()).startsWith("/data/fashion-mnist/");
  }
}
