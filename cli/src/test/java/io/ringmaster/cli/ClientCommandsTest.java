package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.WorkerState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a scripted coordinator on an in-process gRPC server. */
class ClientCommandsTest {
  private static final String EPOCH_1 =
      "Epoch 1/2  train loss 0.5000  test loss 0.5000  test acc 82.00%  12.3 s  4,870 samples/s  2 workers";
  private static final String EPOCH_2 =
      "Epoch 2/2  train loss 0.4000  test loss 0.4500  test acc 84.00%  12.3 s  4,870 samples/s  2 workers";

  private CliHarness cli;

  @BeforeEach
  void start() throws IOException {
    cli = new CliHarness();
  }

  @AfterEach
  void stop() throws InterruptedException {
    cli.close();
  }

  private Job job(String id, JobState state) {
    return Job.newBuilder().setId(id).setSpec(TestJobs.spec(2, 2)).setState(state).setCreatedAtMs(TestJobs.T0).build();
  }

  @Test
  void watchPrintsOneLinePerEpochAndTheModelPath() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");

    CliHarness.Result r = cli.run("watch", "job-1", "--coordinator", "example:7070");

    assertThat(r.exitCode()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).containsSubsequence(
        "Job job-1 fashion-mlp: mlp [256, 128] relu, 2 workers, 2 epochs, global batch 128  [QUEUED]",
        "Starting 2 workers...",
        "Training on 2 workers: 60,000 training, 10,000 test samples.",
        EPOCH_1, EPOCH_2,
        "Job job-1 succeeded: 2 epochs in 45.0 s, test accuracy 84.00%",
        "Model saved to /runs/job-1/model.zip");
    assertThat(lines).filteredOn(l -> l.startsWith("Epoch ")).hasSize(2);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void watchReconnectsAfterUnavailableAndResumesWithoutRepeatingEpochs() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");
    cli.service.breakFirstWatchAfter = 8; // snapshot, 3 state/worker events, 3 progress, epoch 1 (sequence 4)

    CliHarness.Result r = cli.run("watch", "job-1", "--coordinator", "example:7070");

    assertThat(r.exitCode()).isZero();
    assertThat(cli.service.watchFrom).containsExactly(0L, 5L);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).containsSubsequence(EPOCH_1, "Lost the coordinator; reconnecting to resume where the stream"
        + " stopped...", EPOCH_2, "Job job-1 succeeded: 2 epochs in 45.0 s, test accuracy 84.00%");
    assertThat(lines).filteredOn(l -> l.startsWith("Epoch ")).hasSize(2);
    assertThat(lines).filteredOn(l -> l.startsWith("Job job-1 fashion-mlp")).hasSize(1);
  }

  @Test
  void nonTerminalOutputHasNoControlCharacters() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");
    cli.terminal = false;

    CliHarness.Result r = cli.run("watch", "job-1");

    assertThat(r.out()).doesNotContain("\r").doesNotContain("\u001b");
    assertThat(r.out().chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void terminalOutputRedrawsTheProgressBarInPlace() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");
    cli.terminal = true;

    CliHarness.Result r = cli.run("watch", "job-1");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("\rEpoch 1/2 [").contains("] 469/469");
    // the bar is wiped before the epoch line, so every epoch line starts at the left margin
    assertThat(r.out()).contains("\r" + EPOCH_1 + System.lineSeparator());
  }

  @Test
  void failedJobPrintsTheMessageLostWorkerAndExitsWithOne() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_FAILED, "worker rank 1 died (exit code 137)");

    CliHarness.Result r = cli.run("watch", "job-1");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("Job job-1 FAILED (WorkerLost): worker rank 1 died (exit code 137)")
        .contains("Worker rank 1 (pid 4001, 127.0.0.1:41001) lost; log: /runs/job-1/worker-1.log")
        .contains("Job directory (logs, checkpoints): /runs/job-1");
    assertThat(r.out()).doesNotContain("Model saved").doesNotContain("lost");
  }

  @Test
  void cancelledJobExitsWithOne() {
    cli.service.add(job("job-1", JobState.JOB_STATE_QUEUED));
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_CANCELLED, "cancelled by user");

    CliHarness.Result r = cli.run("watch", "job-1");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("Job job-1 was cancelled: cancelled by user");
  }

  @Test
  void streamEndingBeforeTheJobFinishesIsAnError() {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING));
    cli.service.script = j -> List.of(TestJobs.event(JobEvent.Kind.SNAPSHOT, j));

    CliHarness.Result r = cli.run("watch", "job-1", "--coordinator", "c1:7070");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("stopped sending updates on job job-1 while it was RUNNING")
        .contains("ringmaster status job-1 --coordinator c1:7070");
  }

  @Test
  void submitPrintsTheJobIdAndSendsTheOverriddenSpec(@TempDir Path dir) throws IOException {
    Path file = writeJob(dir, "workers: 2\nepochs: 3\n");

    CliHarness.Result r = cli.run("submit", file.toString(), "--workers", "1", "--epochs", "5");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("job-1" + System.lineSeparator());
    assertThat(cli.service.submitted).singleElement().satisfies(s -> {
      assertThat(s.getWorkers()).isEqualTo(1);
      assertThat(s.getEpochs()).isEqualTo(5);
      assertThat(s.getData().getTrain().getPath()).isEqualTo(dir.resolve("train-images.gz").toString());
    });
  }

  @Test
  void submitWithWatchFollowsTheJob(@TempDir Path dir) throws IOException {
    Path file = writeJob(dir, "workers: 2\nepochs: 2\n");
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");

    CliHarness.Result r = cli.run("submit", file.toString(), "--watch");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).startsWith("job-1").contains(EPOCH_1, EPOCH_2);
  }

  @Test
  void serverSideViolationsArePrintedOnePerLineWithExitCodeTwo(@TempDir Path dir) throws IOException {
    Path file = writeJob(dir, "workers: 2\nepochs: 2\n");
    cli.service.submitError = Status.INVALID_ARGUMENT.withDescription(
        "spec.data.train.path: no such file /x/train-images.gz; spec.data.test.labels: 10 labels for 12 images");

    CliHarness.Result r = cli.run("submit", file.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines().toList()).containsExactly(
        "spec.data.train.path: no such file /x/train-images.gz",
        "spec.data.test.labels: 10 labels for 12 images");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void localViolationsArePrintedOnePerLineWithExitCodeTwo(@TempDir Path dir) throws IOException {
    Path file = writeJob(dir, "workers: 4\nepochs: 0\n");
    Files.writeString(file, Files.readString(file).replace("batchSize: 128", "batchSize: 2"));

    CliHarness.Result r = cli.run("submit", file.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines().toList()).containsExactlyInAnyOrder(
        "spec.epochs: must be >= 1, got 0",
        "spec.batchSize: must be >= workers (4), got 2: it is the global batch, split over the workers every step");
    assertThat(cli.service.submitted).isEmpty();
  }

  @Test
  void missingJobFileIsABadSpec() {
    CliHarness.Result r = cli.run("submit", "/no/such/job.yaml");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("spec: job file not found: /no/such/job.yaml");
  }

  @Test
  void statusJsonIsValidJsonWithWorkerPids() throws IOException {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING).toBuilder()
        .addWorkers(TestJobs.worker(0, 4000, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 4001, WorkerState.WORKER_ACTIVE))
        .build());

    CliHarness.Result r = cli.run("status", "job-1", "--json");

    assertThat(r.exitCode()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("id").asText()).isEqualTo("job-1");
    assertThat(json.path("state").asText()).isEqualTo("JOB_STATE_RUNNING");
    assertThat(json.path("workers")).hasSize(2);
    assertThat(json.path("workers").get(1).path("pid").asLong()).isEqualTo(4001);
    assertThat(json.path("workers").get(1).path("port").asInt()).isEqualTo(41_001);
    assertThat(json.path("workers").get(1).path("host").asText()).isEqualTo("127.0.0.1");
    assertThat(json.path("workers").get(1).path("state").asText()).isEqualTo("WORKER_ACTIVE");
    assertThat(json.path("spec").path("batchSize").asInt()).isEqualTo(128);
  }

  @Test
  void statusShowsEpochsProgressAndWorkers() {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING).toBuilder()
        .addEpochs(TestJobs.epoch(1, 2))
        .setProgress(Progress.newBuilder().setEpoch(2).setStep(200).setStepsInEpoch(469).setSamplesPerS(5000))
        .addWorkers(TestJobs.worker(0, 4000, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 4001, WorkerState.WORKER_ACTIVE))
        .build());

    CliHarness.Result r = cli.run("status", "job-1");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("State     RUNNING")
        .contains("Epochs    1/2 done; epoch 2: 200/469 steps, 5,000 samples/s")
        .contains("Created   2025-01-02 03:04:05")
        .contains(EPOCH_1)
        .containsPattern("1 +127\\.0\\.0\\.1:41001 +4001 +ACTIVE +- +/runs/job-1/worker-1\\.log");
  }

  @Test
  void statusCountsTheRingNotEveryWorkerThatEverJoined() {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING).toBuilder()
        .addWorkers(TestJobs.worker(0, 4000, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 4003, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 4001, WorkerState.WORKER_LOST).toBuilder().setWorkerId("w-gone-1"))
        .addWorkers(TestJobs.worker(1, 4002, WorkerState.WORKER_LOST).toBuilder().setWorkerId("w-gone-2"))
        .build());

    CliHarness.Result r = cli.run("status", "job-1");

    assertThat(r.out()).contains("Workers   2 workers requested, 2 in the ring (2 more listed: joining or gone)");
  }

  @Test
  void unknownJobSaysWhichCoordinator() {
    CliHarness.Result r = cli.run("status", "nope", "--coordinator", "10.0.0.5:7070");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err().strip()).isEqualTo("no job nope on coordinator 10.0.0.5:7070");
  }

  @Test
  void listPrintsOneRowPerJob() {
    cli.service.add(job("job-a", JobState.JOB_STATE_SUCCEEDED).toBuilder().addEpochs(TestJobs.epoch(1, 2))
        .addEpochs(TestJobs.epoch(2, 2)).build());
    cli.service.add(job("job-b", JobState.JOB_STATE_RUNNING).toBuilder().setCreatedAtMs(TestJobs.T0 + 60_000)
        .addEpochs(TestJobs.epoch(1, 2))
        .setProgress(Progress.newBuilder().setEpoch(2).setStep(234).setStepsInEpoch(468)).build());
    cli.service.add(job("job-c", JobState.JOB_STATE_QUEUED).toBuilder().setCreatedAtMs(TestJobs.T0 + 120_000)
        .setSpec(TestJobs.spec(1, 3).toBuilder().setName("")).build());

    CliHarness.Result r = cli.run("list");

    assertThat(r.exitCode()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("ID +NAME +STATE +EPOCHS +TEST ACC +CREATED");
    assertThat(lines.get(1)).matches("job-c +- +QUEUED +0/3 +- +2025-01-02 03:06:05");
    assertThat(lines.get(2)).matches("job-b +fashion-mlp +RUNNING +1/2 \\(50%\\) +82\\.00% +2025-01-02 03:05:05");
    assertThat(lines.get(3)).matches("job-a +fashion-mlp +SUCCEEDED +2/2 +84\\.00% +2025-01-02 03:04:05");
  }

  @Test
  void listPagesThroughEveryPageAndFiltersByState() {
    cli.service.pageSize = 2;
    for (int i = 0; i < 5; i++) {
      cli.service.add(job("job-" + i, i == 0 ? JobState.JOB_STATE_FAILED : JobState.JOB_STATE_SUCCEEDED).toBuilder()
          .setCreatedAtMs(TestJobs.T0 + i * 1000L).build());
    }

    CliHarness.Result all = cli.run("list");
    int callsForAll = cli.service.listCalls.get();
    CliHarness.Result failed = cli.run("list", "--state", "FAILED");

    assertThat(all.exitCode()).isZero();
    assertThat(all.out().lines().skip(1).map(l -> l.split(" +")[0]))
        .containsExactly("job-4", "job-3", "job-2", "job-1", "job-0");
    assertThat(callsForAll).isEqualTo(3);
    assertThat(failed.out().lines().skip(1).map(l -> l.split(" +")[0])).containsExactly("job-0");
  }

  @Test
  void deleteRemovesAFinishedJobAndExplainsWhyNotARunningOne() {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING));
    cli.service.add(job("job-2", JobState.JOB_STATE_SUCCEEDED));

    CliHarness.Result running = cli.run("delete", "job-1");
    CliHarness.Result done = cli.run("delete", "job-2");

    assertThat(running.exitCode()).isNotZero();
    assertThat(running.err()).contains("cancel it first");
    assertThat(done.exitCode()).isZero();
    assertThat(done.out().strip()).isEqualTo("Job job-2 (SUCCEEDED) deleted with its files.");
    assertThat(cli.service.jobs).containsOnlyKeys("job-1");
  }

  @Test
  void listWithoutJobsSaysSo() {
    CliHarness.Result r = cli.run("list", "--coordinator", "h:1234");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out().strip()).isEqualTo("No jobs on the coordinator at h:1234.");
  }

  @Test
  void cancelCancelsARunningJobAndLeavesAFinishedOne() {
    cli.service.add(job("job-1", JobState.JOB_STATE_RUNNING));
    cli.service.add(job("job-2", JobState.JOB_STATE_SUCCEEDED));

    CliHarness.Result running = cli.run("cancel", "job-1");
    CliHarness.Result done = cli.run("cancel", "job-2");

    assertThat(running.exitCode()).isZero();
    assertThat(running.out().strip()).isEqualTo("Job job-1 cancelled.");
    assertThat(done.out().strip()).isEqualTo("Job job-2 had already ended: SUCCEEDED.");
    assertThat(cli.service.cancelled).containsExactly("job-1", "job-2");
    assertThat(cli.service.jobs.get("job-1").getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
  }

  @Test
  void unreachableCoordinatorGivesAHint() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    cli.channels = ChannelFactory.plaintext();

    CliHarness.Result r = cli.run("list", "--coordinator", "127.0.0.1:" + port);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err().strip()).isEqualTo("cannot reach the coordinator at 127.0.0.1:" + port
        + ": is it running? (start one with ./ringmaster coordinator)");
  }

  @Test
  void badCoordinatorAddressIsAUsageError() {
    CliHarness.Result r = cli.run("list", "--coordinator", "localhost:http");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("invalid coordinator address 'localhost:http': the port 'http' is not a number");
  }

  @Test
  void helpListsEveryCommand() {
    CliHarness.Result r = cli.run("--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("run", "coordinator", "worker", "submit", "status", "watch", "list", "cancel");
  }

  @Test
  void noCommandIsAUsageError() {
    CliHarness.Result r = cli.run();

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Missing a command");
  }

  /** A valid job file in {@code dir} (data paths relative to it), with extra top-level lines. */
  static Path writeJob(Path dir, String extra) throws IOException {
    Path file = dir.resolve("job.yaml");
    Files.writeString(file, """
        name: test-job
        model: {architecture: mlp, hidden: [32], activation: relu}
        data:
          train: {path: train-images.gz, labels: train-labels.gz}
          test: {path: test-images.gz, labels: test-labels.gz}
        batchSize: 128
        updater: {type: adam, learningRate: 0.001}
        """ + extra);
    return file;
  }
}
