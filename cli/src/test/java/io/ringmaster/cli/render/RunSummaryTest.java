package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.cli.TestJobs;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

  private static Job finished() {
    Job submitted = Job.newBuilder().setId("j-42").setSpec(TestJobs.spec(2, 3)).build();
    List<JobEvent> events = TestJobs.run(submitted, JobState.JOB_STATE_SUCCEEDED, "");
    return events.get(events.size() - 1).getJob();
  }

  @Test
  void hasTheJobTheSpecEveryEpochAndTheWorkers() throws Exception {
    JsonNode json = new ObjectMapper().readTree(RunSummary.toJson(finished()));

    assertThat(json.path("job_id").asText()).isEqualTo("j-42");
    assertThat(json.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(json.path("model_path").asText()).isEqualTo("/runs/j-42/model.zip");
    assertThat(json.path("wall_time_s").asDouble()).isEqualTo(45.0);
    assertThat(json.path("spec").path("name").asText()).isEqualTo("fashion-mlp");
    assertThat(json.path("spec").path("batchSize").asInt()).isEqualTo(128);
    assertThat(json.path("spec").path("model").path("builtin").path("hidden").toString()).isEqualTo("[256,128]");

    JsonNode epochs = json.path("epochs");
    assertThat(epochs).hasSize(3);
    JsonNode e2 = epochs.get(1);
    assertThat(e2.path("epoch").asInt()).isEqualTo(2);
    assertThat(e2.path("samples").asLong()).isEqualTo(60_000);
    assertThat(e2.path("train_loss").asDouble()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(e2.path("test_loss").asDouble()).isEqualTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(e2.path("test_accuracy").asDouble()).isEqualTo(0.84, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(e2.path("duration_s").asDouble()).isEqualTo(12.34);
    assertThat(e2.path("samples_per_s").asDouble()).isEqualTo(4870.4);

    JsonNode workers = json.path("workers");
    assertThat(workers.path("count").asInt()).isEqualTo(2);
    assertThat(workers.path("list")).hasSize(2);
    JsonNode w1 = workers.path("list").get(1);
    assertThat(w1.path("rank").asInt()).isEqualTo(1);
    assertThat(w1.path("host").asText()).isEqualTo("127.0.0.1");
    assertThat(w1.path("port").asInt()).isEqualTo(41_001);
    assertThat(w1.path("pid").asLong()).isEqualTo(4001);
    assertThat(w1.path("state").asText()).isEqualTo("WORKER_EXITED");
  }

  @Test
  void wallTimeIsNullBeforeTheJobFinished() throws Exception {
    Job queued = Job.newBuilder().setId("j").setSpec(TestJobs.spec(1, 1)).setState(JobState.JOB_STATE_QUEUED).build();

    JsonNode json = new ObjectMapper().readTree(RunSummary.toJson(queued));

    assertThat(json.path("wall_time_s").isNull()).isTrue();
    assertThat(json.path("epochs")).isEmpty();
  }
}
