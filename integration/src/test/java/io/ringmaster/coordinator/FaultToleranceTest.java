package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers dying or hanging mid-epoch, with real worker processes: the job still finishes, uses every
 * training sample exactly once per epoch, and ends where an undisturbed run ends.
 */
class FaultToleranceTest {
  @TempDir static Path tmp;
  static CoordinatorServer coordinator;
  static ManagedChannel channel;
  static JobServiceGrpc.JobServiceBlockingStub jobs;
  static FashionSubset small;

  @BeforeAll
  static void start() throws Exception {
    small = FashionSubset.write(tmp.resolve("data"), 6_000, 1_000);
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(180), Duration.ofSeconds(2)))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    jobs = JobServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  static Job get(String id) {
    return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }

  static JobSpec spec(String yaml) {
    return SpecProtos.toProto(JobSpecYaml.parse(yaml, tmp));
  }

  /** Follows a job to its end on a background thread, collecting every event. */
  static List<JobEvent> watch(String id) {
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> JobServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.MINUTES)
        .watchJob(WatchJobRequest.newBuilder().setJobId(id).build()).forEachRemaining(events::add));
    t.setDaemon(true);
    t.start();
    return events;
  }

  static Job awaitEnd(String id, Duration max) {
    await().atMost(max).pollInterval(Duration.ofMillis(200)).until(() -> {
      JobState s = get(id).getState();
      return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
    });
    return get(id);
  }

  static void awaitStep(String id, int epoch, long step) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
      Job j = get(id);
      return j.getState() == JobState.JOB_STATE_RUNNING && (j.getProgress().getEpoch() > epoch
          || j.getProgress().getEpoch() == epoch && j.getProgress().getStep() >= step);
    });
  }

  static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  static void assertEveryEpochUsedEverySample(Job j, long train, long test) {
    for (EpochMetrics m : j.getEpochsList()) {
      assertThat(m.getSamples()).as("training samples of epoch " + m.getEpoch()).isEqualTo(train);
      assertThat(m.getTestSamples()).as("test samples of epoch " + m.getEpoch()).isEqualTo(test);
    }
  }

  /**
   * The chaos test of issue #3: a 2-epoch MLP job on the full Fashion-MNIST with 3 workers; in each run
   * one random worker is killed (SIGKILL) at a random step. Every run succeeds, every epoch uses exactly
   * 60,000 samples, and the final accuracy is within 1 point of an undisturbed run with the same seed.
   */
  @Test
  void chaosKillingARandomWorkerAtARandomStepChangesNothingThatMatters() {
    String yaml = FashionSubset.full().yaml(3, 2, 128, "{}")
        .replace("hidden: [64]", "hidden: [128]");
    Job baseline = awaitEnd(jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(yaml)).build()).getId(),
        Duration.ofMinutes(6));
    assertThat(baseline.getState()).as(baseline.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertEveryEpochUsedEverySample(baseline, 60_000, 10_000);
    double baselineAccuracy = baseline.getEpochs(1).getTestAccuracy();

    long seed = Long.getLong("chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> report = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(yaml)).build());
      int epoch = 1 + random.nextInt(2);
      int step = 20 + random.nextInt(400);
      int rank = random.nextInt(3);
      awaitStep(job.getId(), epoch, step);
      long victim = get(job.getId()).getWorkers(rank).getPid();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      Job done = awaitEnd(job.getId(), Duration.ofMinutes(6));
      report.add("run " + run + ": killed rank " + rank + " (pid " + victim + ") at epoch " + epoch + " step >= "
          + step + " -> " + done.getState() + ", accuracy " + done.getEpochs(1).getTestAccuracy()
          + " vs " + baselineAccuracy + ", recoveries " + done.getEpochsList().stream()
          .mapToInt(EpochMetrics::getRecoveries).sum());
      assertThat(done.getState()).as("chaos seed " + seed + ": " + done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertEveryEpochUsedEverySample(done, 60_000, 10_000);
      assertThat(done.getEpochs(epoch - 1).getRecoveries()).as("the kill shows in the epoch's metrics")
          .isGreaterThanOrEqualTo(1);
      assertThat(done.getEpochs(1).getTestAccuracy()).as("chaos seed " + seed)
          .isBetween(baselineAccuracy - 0.01, baselineAccuracy + 0.01);
      assertThat(done.getNoticesList()).anyMatch(n -> n.contains("pid " + victim) && n.contains("lost"));
      assertThat(done.getWorkersList()).anySatisfy(w -> {
        assertThat(w.getPid()).isEqualTo(victim);
        assertThat(w.getState()).isEqualTo(WorkerState.WORKER_LOST);
      });
    }
    System.out.println("chaos seed " + seed + "\n  " + String.join("\n  ", report));
  }

  /** A worker that hangs (SIGSTOP) instead of dying is named by the stall inspector and evicted. */
  @Test
  void stoppedWorkerIsNamedByTheStallInspectorAndEvicted() throws Exception {
    String yaml = small.yaml(3, 3, 60,
        "{stallWarningS: 2, stallTimeoutS: 6, workerTimeoutS: 60, maxReplacements: 0}");
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(yaml)).build());
    List<JobEvent> events = watch(job.getId());
    awaitStep(job.getId(), 1, 20);
    long victim = get(job.getId()).getWorkers(2).getPid();
    signal("STOP", victim);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e ->
          e.getKind() == JobEvent.Kind.NOTICE && e.getNotice().startsWith("stall") && e.getNotice().contains("rank 2")
              && e.getNotice().contains("pid " + victim)));
      Job done = awaitEnd(job.getId(), Duration.ofMinutes(4));
      assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertEveryEpochUsedEverySample(done, 6_000, 1_000);
      WorkerStatus evicted = done.getWorkersList().stream().filter(w -> w.getPid() == victim).findFirst()
          .orElseThrow();
      assertThat(evicted.getState()).isEqualTo(WorkerState.WORKER_LOST);
      assertThat(evicted.getMessage()).contains("stall inspector");
      assertThat(done.getEpochsList().get(done.getEpochsCount() - 1).getWorkers()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> ProcessHandle.of(victim).map(p -> !p.isAlive()).orElse(true));
    } finally {
      ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Every worker dies at once: the job resumes from its newest checkpoint, taken with 3 workers, on the 2
   * replacements it may start, and finishes.
   */
  @Test
  void resumesFromACheckpointOnADifferentWorkerCount() {
    String yaml = small.yaml(3, 3, 60,
        "{minWorkers: 2, maxReplacements: 2, checkpointEverySteps: 20}");
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(yaml)).build());
    awaitStep(job.getId(), 2, 45);
    await().atMost(Duration.ofSeconds(30)).until(() -> get(job.getId()).getLatestCheckpoint().getEpoch() == 2);
    Job running = get(job.getId());
    List<Long> pids = running.getWorkersList().stream().map(WorkerStatus::getPid).toList();
    assertThat(pids).hasSize(3);
    Collections.shuffle(new ArrayList<>(pids));
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));

    Job done = awaitEnd(job.getId(), Duration.ofMinutes(4));
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getEpochsCount()).isEqualTo(3);
    assertEveryEpochUsedEverySample(done, 6_000, 1_000);
    assertThat(done.getEpochs(2).getWorkers()).as("the last epoch ran on the replacements").isEqualTo(2);
    assertThat(done.getReplacements()).isEqualTo(2);
    assertThat(done.getNoticesList()).anyMatch(n -> n.contains("resuming at epoch 2"));
    assertThat(done.getEpochs(2).getTestAccuracy()).isGreaterThan(0.6);
  }

  /** A NaN loss fails the job at that step, naming the step, the rank and the layer. */
  @Test
  void nonFiniteLossFailsTheJobNamingStepRankAndLayer() throws Exception {
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(overflowJob("overflow", "{}"))).build());
    Job done = awaitEnd(job.getId(), Duration.ofMinutes(2));
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(done.getReason()).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_NON_FINITE);
    assertThat(done.getMessage()).containsPattern("step \\d+ of epoch 1: rank \\d: ")
        .containsPattern("(loss is (NaN|Infinity)|layer \\d+ \\(\\w+\\) parameter)")
        .contains("skipNonFiniteSteps");
    assertThat(done.getEpochsCount()).as("failed inside the first epoch").isZero();
  }

  /** ... or, when the job asks for it, every rank skips that step and the epoch reports it. */
  @Test
  void nonFiniteStepsCanBeSkipped() throws Exception {
    String yaml = overflowJob("overflow-skipped", "{skipNonFiniteSteps: true}");
    Job done = awaitEnd(jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(yaml)).build()).getId(),
        Duration.ofMinutes(2));
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    for (EpochMetrics m : done.getEpochsList()) {
      assertThat(m.getSkippedSteps()).as("the step holding the overflowing row").isEqualTo(1);
      assertThat(m.getSamples()).isEqualTo(401);
      assertThat(m.getTrainLoss()).isFinite();
    }
  }

  /**
   * Writes a CSV job (once per class) with 400 ordinary rows and one whose 64 features are
   * Float.MAX_VALUE, so its activations overflow; returns its YAML.
   */
  private static String overflowJob(String name, String faultTolerance) throws java.io.IOException {
    Path trainCsv = tmp.resolve("nan-train.csv");
    if (!java.nio.file.Files.exists(trainCsv)) {
      int features = 64;
      StringBuilder header = new StringBuilder();
      for (int f = 0; f < features; f++) {
        header.append('f').append(f).append(',');
      }
      header.append("label\n");
      StringBuilder train = new StringBuilder(header);
      StringBuilder test = new StringBuilder(header);
      Random r = new Random(1);
      for (int i = 0; i < 400; i++) {
        StringBuilder row = new StringBuilder();
        for (int f = 0; f < features; f++) {
          row.append(r.nextFloat()).append(',');
        }
        row.append(i % 3).append('\n');
        train.append(row);
        test.append(row);
      }
      for (int f = 0; f < features; f++) {
        train.append(Float.MAX_VALUE).append(',');
      }
      train.append("1\n");
      java.nio.file.Files.writeString(trainCsv, train);
      java.nio.file.Files.writeString(tmp.resolve("nan-test.csv"), test);
    }
    return """
        name: %s
        model: {architecture: mlp, hidden: [16]}
        data:
          train: {path: nan-train.csv}
          test: {path: nan-test.csv}
        epochs: 2
        batchSize: 40
        updater: {type: sgd, learningRate: 0.1}
        workers: 2
        resources: {heapMb: 512, offheapMb: 512}
        faultTolerance: %s
        """.formatted(name, faultTolerance);
  }
}
