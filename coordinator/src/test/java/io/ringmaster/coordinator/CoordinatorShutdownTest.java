package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.proto.v1.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator on the in-memory store cancels its running jobs when it stops; their workers (Kubernetes:
 * their pods) must be stopped before the scheduler is closed, or they outlive the coordinator.
 */
class CoordinatorShutdownTest {
  @TempDir Path tmp;

  @Test
  void theWorkersOfJobsCancelledAtShutdownAreStoppedBeforeTheSchedulerCloses() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    WorkerScheduler recording = new WorkerScheduler() {
      @Override public void launch(LaunchRequest request) { calls.add("launch " + request.jobId()); }
      @Override public void stop(String jobId) { calls.add("stop " + jobId); }
      @Override public boolean launchesWorkers() { return true; }
      @Override public void close() { calls.add("close"); }
    };
    CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(tmp).store(new InMemoryJobStore())
        .scheduler(recording).build().start();
    var spec = io.ringmaster.proto.v1.JobSpec.newBuilder().setName("shutdown")
        .setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder()
            .setBuiltin(io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("mlp")))
        .setData(io.ringmaster.proto.v1.DataSpec.newBuilder()
            .setTrain(io.ringmaster.proto.v1.DatasetRef.newBuilder().setPath("host:/train")
                .setFormat(io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV).setLabelColumn("label"))
            .setTest(io.ringmaster.proto.v1.DatasetRef.newBuilder().setPath("host:/test")
                .setFormat(io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV).setLabelColumn("label")))
        .setEpochs(1).setBatchSize(64).setWorkers(2)
        .setUpdater(io.ringmaster.proto.v1.UpdaterSpec.newBuilder().setType("adam").setLearningRate(1e-3)).build();
    String id = c.jobs().submitWithShapes(spec, new DatasetInfo(640, 1, 1, 784, 10),
        new DatasetInfo(100, 1, 1, 784, 10)).getId();
    await().atMost(Duration.ofSeconds(20)).until(() -> calls.contains("launch " + id));

    c.close();

    assertThat(c.jobs().get(id).orElseThrow().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(calls).as("stopped, then the scheduler closed").containsSubsequence("stop " + id, "close");
  }
}
