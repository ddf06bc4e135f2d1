package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the coordinator itself: restarted on the same data directory, it recovers every job from its
 * durable store: finished jobs stay finished with their metrics, queued jobs stay queued, and the running
 * job resumes from its newest valid checkpoint (a corrupted newest one is skipped and reported) and
 * finishes.
 */
class CoordinatorCrashTest {
  /** Training rows of the recovery test's data: 300 steps of 60 per epoch. */
  private static final int TRAIN_ROWS = 18_000;

  @TempDir Path tmp;
  Process coordinator;
  ManagedChannel channel;

  @AfterEach
  void cleanUp() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (coordinator != null) {
      coordinator.destroyForcibly();
    }
  }

  JobServiceGrpc.JobServiceBlockingStub startCoordinator(Path dataDir) throws IOException {
    if (channel != null) {
      channel.shutdownNow();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    coordinator = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        CoordinatorProcessMain.class.getName(), dataDir.toString())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(coordinator.getInputStream()));
    int port = -1;
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("PORT=")) {
        port = Integer.parseInt(line.substring(5).trim());
        break;
      }
    }
    assertThat(port).as("the coordinator process printed its port").isPositive();
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe from filling up
        }
      } catch (IOException ignored) {
        // process gone
      }
    });
    drain.setDaemon(true);
    drain.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return JobServiceGrpc.newBlockingStub(channel).withWaitForReady();
  }

  static Job get(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
    return jobs.withDeadlineAfter(10, TimeUnit.SECONDS).getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }

  @Test
  void restartedCoordinatorRecoversEveryJobAndFinishesTheRunningOne() throws Exception {
    // 300 steps of 60 per epoch: the window the test kills in (epoch 2, step >= 50) lasts ~250 steps even with
    // the engine's fast MLP step (100 steps of 6,000 rows were ~0.15 s, which a 100 ms poll could miss)
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), TRAIN_ROWS, 1_000);
    JobSpec quick = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(1, 1, 100), tmp));
    JobSpec longer = SpecProtos.toProto(JobSpecYaml.parse(
        data.yaml(2, 3, 60, "{checkpointEverySteps: 15}"), tmp));
    Path dataDir = tmp.resolve("runs");

    JobServiceGrpc.JobServiceBlockingStub jobs = startCoordinator(dataDir);
    String done = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(quick).build()).getId();
    await().atMost(Duration.ofMinutes(2)).until(() -> get(jobs, done).getState() == JobState.JOB_STATE_SUCCEEDED);
    Job doneBefore = get(jobs, done);

    String running = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(longer).build()).getId();
    String queued = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(quick).build()).getId();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Job j = get(jobs, running);
      assertThat(j.getState()).as("job %s ended before the test could kill its coordinator mid-epoch 2 (%s)",
          running, j.getMessage()).isNotIn(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED);
      return j.getEpochsCount() == 1 && j.getProgress().getEpoch() == 2 && j.getProgress().getStep() >= 50
          && j.getLatestCheckpoint().getEpoch() == 2 && j.getLatestCheckpoint().getStep() >= 30;
    });
    Job before = get(jobs, running);
    assertThat(get(jobs, queued).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
    List<Long> oldWorkers = before.getWorkersList().stream().map(WorkerStatus::getPid).toList();

    assertThat(before.getEpochClock().getEpoch()).as("epoch 2's start is stored with the job").isEqualTo(2);
    long epoch2Start = before.getEpochClock().getStartedAtMs();
    coordinator.destroyForcibly(); // SIGKILL
    assertThat(coordinator.waitFor(20, TimeUnit.SECONDS)).isTrue();
    // its workers notice the coordinator is gone and leave
    for (long pid : oldWorkers) {
      await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
    // damage the two newest checkpoints: the restarted coordinator must skip them, say so, and use an older
    // one. Two, because the kill may land after the newest file was written but before the job store recorded
    // it: the coordinator then never considers that file, and the one before it is the newest it knows.
    Path checkpoints = dataDir.resolve("jobs").resolve(running).resolve("checkpoints");
    List<Path> damaged;
    try (var files = Files.list(checkpoints)) {
      damaged = files.filter(f -> f.toString().endsWith(".ckpt")).sorted(java.util.Comparator.reverseOrder())
          .limit(2).toList();
    }
    assertThat(damaged).as("checkpoints every 15 steps, the newest recorded at step >= 30 of epoch 2").hasSize(2);
    for (Path p : damaged) {
      try (FileChannel f = FileChannel.open(p, StandardOpenOption.WRITE)) {
        f.truncate(f.size() / 2);
      }
    }

    long restartedAt = System.currentTimeMillis();
    JobServiceGrpc.JobServiceBlockingStub restarted = startCoordinator(dataDir);
    List<String> listed = restarted.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().stream()
        .map(Job::getId).toList();
    assertThat(listed).contains(done, running, queued);
    Job doneAfter = get(restarted, done);
    assertThat(doneAfter.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(doneAfter.getEpochsList()).isEqualTo(doneBefore.getEpochsList());
    assertThat(get(restarted, queued).getState()).isIn(JobState.JOB_STATE_QUEUED);

    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
        .until(() -> List.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED)
            .contains(get(restarted, running).getState()));
    Job after = get(restarted, running);
    assertThat(after.getState()).as(after.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(after.getCoordinatorRestarts()).isEqualTo(1);
    assertThat(after.getEpochsList()).extracting(EpochMetrics::getEpoch).containsExactly(1, 2, 3);
    assertThat(after.getEpochs(0)).as("epoch 1's metrics survive the crash unchanged").isEqualTo(before.getEpochs(0));
    for (EpochMetrics m : after.getEpochsList()) {
      assertThat(m.getSamples()).isEqualTo(TRAIN_ROWS);
      assertThat(m.getTestSamples()).isEqualTo(1_000);
    }
    // the interrupted epoch: measured from its start before the crash, the restart counted
    EpochMetrics interrupted = after.getEpochs(1);
    double beforeRestartS = (restartedAt - epoch2Start) / 1000.0;
    assertThat(interrupted.getRecoveries()).as("the coordinator restart is a recovery").isGreaterThanOrEqualTo(1);
    assertThat(interrupted.getDurationS()).as("covers the work before the restart").isGreaterThan(beforeRestartS);
    assertThat(interrupted.getSamplesPerS()).as("samples/s from the whole epoch")
        .isLessThan(TRAIN_ROWS / beforeRestartS);
    assertThat(after.getEpochs(0).getRecoveries()).isZero();
    List<String> corrupt = damaged.stream().map(p -> p.getFileName().toString().replace(".ckpt", "")).toList();
    assertThat(after.getNoticesList()).anyMatch(n -> corrupt.stream().anyMatch(n::contains) && n.contains("corrupt"));
    assertThat(Path.of(after.getModelPath())).exists();

    restarted.cancelJob(CancelJobRequest.newBuilder().setJobId(queued).build());
  }

  /** A clean shutdown leaves running jobs to be resumed, rather than cancelling them. */
  @Test
  void cleanShutdownSuspendsRunningJobsAndARestartResumesThem() throws Exception {
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), 6_000, 1_000);
    JobSpec spec = SpecProtos.toProto(JobSpecYaml.parse(
        data.yaml(2, 2, 60, "{checkpointEverySteps: 20}"), tmp));
    Path dataDir = tmp.resolve("runs");
    String id;
    try (CoordinatorServer first = CoordinatorServer.builder().port(0).dataDir(dataDir).build().start()) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", first.port()).usePlaintext().build();
      try {
        var jobs = JobServiceGrpc.newBlockingStub(ch);
        id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
        await().atMost(Duration.ofMinutes(2)).until(() -> get(jobs, id).getLatestCheckpoint().getStep() >= 40);
      } finally {
        ch.shutdownNow();
      }
    }
    try (CoordinatorServer second = CoordinatorServer.builder().port(0).dataDir(dataDir).build().start()) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext().build();
      try {
        var jobs = JobServiceGrpc.newBlockingStub(ch);
        assertThat(get(jobs, id).getState()).isNotEqualTo(JobState.JOB_STATE_CANCELLED);
        await().atMost(Duration.ofMinutes(2)).until(() -> get(jobs, id).getState() == JobState.JOB_STATE_SUCCEEDED);
        Job done = get(jobs, id);
        assertThat(done.getCoordinatorRestarts()).isEqualTo(1);
        assertThat(done.getEpochsList()).extracting(EpochMetrics::getSamples).containsExactly(6_000L, 6_000L);
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
