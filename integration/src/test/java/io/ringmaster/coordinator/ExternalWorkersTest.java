package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WorkerStatus;
import io.ringmaster.worker.WorkerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The by-hand multi-machine mode: a coordinator with the external scheduler and workers started on their
 * own (here as libraries inside this JVM, as a Spark executor would host them). Free workers are handed
 * to a job as a whole gang, and return to the pool when it ends, ready for the next one; a worker the
 * coordinator gives up on is evicted and must attach again.
 */
class ExternalWorkersTest {
  /**
   * Epochs of a job the test acts on while it trains (a worker leaves, a link is cut, the coordinator stops):
   * an epoch of 3,000 samples takes about half a second on two workers here, so 20 epochs cannot end between
   * the test seeing the first step and acting on it (a few milliseconds), even on a loaded machine.
   */
  private static final int EPOCHS_OUTLASTING_THE_TEST = 20;

  @TempDir Path tmp;

  @Test
  void freeWorkersTrainJobAfterJob() throws Exception {
    JobSpec spec = spec(1_200, 1, "{}");
    try (CoordinatorServer coordinator = externalCoordinator();
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(coordinator, "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        for (int round = 0; round < 2; round++) {
          Job done = awaitEnd(jobs, jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId());
          assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
          assertThat(done.getEpochs(0).getSamples()).isEqualTo(1_200);
          Set<String> ids = done.getWorkersList().stream().map(WorkerStatus::getWorkerId).collect(Collectors.toSet());
          assertThat(ids).as("round " + round + " used the free workers").isEqualTo(Set.of("lib-a", "lib-b"));
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * Below minWorkers with workers started by hand, the job waits (RECOVERING, saying so) for a free
   * worker; one that attaches during the wait takes the lost rank's place, and every epoch still counts
   * each sample once.
   */
  @Test
  void aFreeWorkerThatAttachesWhileTheJobWaitsReplacesTheLostOne() throws Exception {
    JobSpec spec = spec(3_000, EPOCHS_OUTLASTING_THE_TEST, "{minWorkers: 2, replacementTimeoutS: 120}");
    try (CoordinatorServer coordinator = externalCoordinator();
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(coordinator, "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String id = submitAndAwaitTraining(jobs, spec);

        b.close(); // lib-b leaves mid-epoch; no free worker is left

        await().atMost(Duration.ofSeconds(30)).until(() -> get(jobs, id).getMessage().contains("waiting up to 120 s"));
        assertThat(get(jobs, id).getState()).isEqualTo(JobState.JOB_STATE_RECOVERING);

        try (WorkerRuntime c = worker(coordinator, "lib-c")) {
          Job done = awaitEnd(jobs, id);
          assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
          assertThat(done.getEpochsList()).hasSize(EPOCHS_OUTLASTING_THE_TEST)
              .allSatisfy(e -> assertThat(e.getSamples()).isEqualTo(3_000));
          assertThat(done.getEpochs(EPOCHS_OUTLASTING_THE_TEST - 1).getWorkers()).isEqualTo(2);
          assertThat(done.getWorkersList()).extracting(WorkerStatus::getWorkerId).contains("lib-a", "lib-c");
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void withNoFreeWorkerTheJobFailsAfterTheReplacementTimeoutNamingTheLostRank() throws Exception {
    JobSpec spec = spec(3_000, EPOCHS_OUTLASTING_THE_TEST, "{minWorkers: 2, replacementTimeoutS: 2}");
    try (CoordinatorServer coordinator = externalCoordinator();
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(coordinator, "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String id = submitAndAwaitTraining(jobs, spec);
        int rankOfB = get(jobs, id).getWorkersList().stream()
            .filter(w -> w.getWorkerId().equals("lib-b")).findFirst().orElseThrow().getRank();

        b.close();

        await().atMost(Duration.ofSeconds(60)).until(() -> get(jobs, id).getState() == JobState.JOB_STATE_FAILED);
        Job failed = get(jobs, id);
        assertThat(failed.getReason()).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_NOT_ENOUGH_WORKERS);
        assertThat(failed.getMessage()).contains("minWorkers = 2").contains("within 2 s")
            .contains("rank " + rankOfB);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * Gang admission: a 3-worker job with only 2 workers attached waits QUEUED, saying so, and holds
   * neither worker, so a 2-worker job submitted after it runs on both; the 3-worker job fails once fewer
   * workers than it needs have been attached for longer than the start timeout.
   */
  @Test
  void aJobNeedingMoreWorkersThanAttachedWaitsQueuedWithoutHoldingThemThenFailsAfterTheStartTimeout()
      throws Exception {
    JobSpec big = spec(3, 1_200, 1, "{}");
    JobSpec small = spec(2, 1_200, 1, "{}");
    try (CoordinatorServer coordinator = externalCoordinator(Duration.ofSeconds(15));
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(coordinator, "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String bigId = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(big).build()).getId();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> get(jobs, bigId).getMessage().equals("waiting for 3 worker(s): 2 free, 2 attached"));
        assertThat(get(jobs, bigId).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
        assertThat(get(jobs, bigId).getWorkersList()).isEmpty();

        Job done = awaitEnd(jobs, jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(small).build()).getId());
        assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getWorkersList()).extracting(WorkerStatus::getWorkerId)
            .containsExactlyInAnyOrder("lib-a", "lib-b");

        Job failed = awaitEnd(jobs, bigId);
        assertThat(failed.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(failed.getReason()).isEqualTo(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT);
        assertThat(failed.getMessage()).contains("needs 3 worker(s) but only 2 worker(s) attached")
            .contains("start timeout 15 s");
        assertThat(failed.getWorkersList()).isEmpty();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * A worker whose link is cut mid-epoch (alive, hearing nothing) is evicted once, its session closed;
   * it is not handed the job's open slot while the link is down, and the job finishes on the other worker
   * with every sample counted once per epoch. When the link comes back the worker attaches again by
   * itself and serves the next job.
   */
  @Test
  void aWorkerCutOffMidEpochIsEvictedOnceNotReadmittedAndServesTheNextJobAfterReattaching()
      throws Exception {
    JobSpec spec = spec(2, 3_000, EPOCHS_OUTLASTING_THE_TEST, "{minWorkers: 1, maxReplacements: 3, workerTimeoutS: 3}");
    try (CoordinatorServer coordinator = externalCoordinator(Duration.ofSeconds(60));
        CuttableLink link = new CuttableLink(coordinator.port());
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(link.address(), "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String id = submitAndAwaitTraining(jobs, spec);

        link.cut();

        Job done = awaitEnd(jobs, id);
        assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getEpochsList()).hasSize(EPOCHS_OUTLASTING_THE_TEST)
            .allSatisfy(e -> assertThat(e.getSamples()).isEqualTo(3_000));
        List<WorkerStatus> ofB = done.getWorkersList().stream()
            .filter(w -> w.getWorkerId().equals("lib-b")).toList();
        assertThat(ofB).as("lib-b was evicted once and never handed a slot again: %s", done.getWorkersList())
            .singleElement().satisfies(w -> {
              assertThat(w.getState()).isEqualTo(io.ringmaster.proto.v1.WorkerState.WORKER_LOST);
              assertThat(w.getMessage()).contains("no heartbeat");
            });
        assertThat(done.getEpochs(EPOCHS_OUTLASTING_THE_TEST - 1).getWorkers()).isEqualTo(1);

        link.restore();

        Job next = awaitEnd(jobs, jobs.submitJob(SubmitJobRequest.newBuilder()
            .setSpec(spec(2, 1_200, 1, "{}")).build()).getId());
        assertThat(next.getState()).as(next.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(next.getWorkersList()).extracting(WorkerStatus::getWorkerId)
            .containsExactlyInAnyOrder("lib-a", "lib-b");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * A free worker whose link is cut is never handed to a job: a 2-worker job waits QUEUED with one worker
   * free of two attached; after the coordinator's heartbeat timeout the silent worker is dropped (one
   * attached); once the link is back the worker attaches again, beats, and the job runs on both.
   */
  @Test
  void aSilentFreeWorkerIsNeverHandedOutAndIsDroppedUntilItAttachesAgain() throws Exception {
    JobSpec probe = spec(3, 1_200, 1, "{}"); // can never start with 2 workers: shows the counts
    JobSpec job = spec(2, 1_200, 1, "{}");
    try (CoordinatorServer coordinator = externalCoordinator(Duration.ofSeconds(120));
        CuttableLink link = new CuttableLink(coordinator.port());
        WorkerRuntime a = worker(coordinator, "lib-a");
        WorkerRuntime b = worker(link.address(), "lib-b")) {
      ManagedChannel channel = channel(coordinator);
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String probeId = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(probe).build()).getId();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> get(jobs, probeId).getMessage().startsWith("waiting for 3 worker(s): 2 free, 2 attached"));

        link.cut();
        await().atMost(Duration.ofSeconds(20)) // beyond the default workerTimeoutS of 6 s
            .until(() -> get(jobs, probeId).getMessage().startsWith("waiting for 3 worker(s): 1 free, 2 attached"));
        String id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(job).build()).getId();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> get(jobs, id).getMessage().startsWith("waiting for 2 worker(s): 1 free, 2 attached"));
        assertThat(get(jobs, id).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
        await().atMost(Duration.ofSeconds(30)) // the coordinator's heartbeat timeout is 10 s
            .until(() -> get(jobs, id).getMessage().startsWith("waiting for 2 worker(s): 1 free, 1 attached"));
        assertThat(get(jobs, id).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(probeId).build());

        link.restore();

        Job done = awaitEnd(jobs, id);
        assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getWorkersList()).extracting(WorkerStatus::getWorkerId)
            .containsExactlyInAnyOrder("lib-a", "lib-b");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * After a coordinator restart on the same data directory, a job that was running waits (RECOVERING)
   * for a whole gang of free workers, then resumes on the workers that attach again by themselves.
   */
  @Test
  void afterACoordinatorRestartARunningJobResumesWhenItsWholeGangIsBack() throws Exception {
    JobSpec spec = spec(2, 3_000, EPOCHS_OUTLASTING_THE_TEST, "{}");
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String id;
    try (WorkerRuntime a = worker("127.0.0.1:" + port, "lib-a");
        WorkerRuntime b = worker("127.0.0.1:" + port, "lib-b")) {
      try (CoordinatorServer first = externalCoordinator(port, Duration.ofSeconds(60))) {
        ManagedChannel channel = channel(first);
        try {
          id = submitAndAwaitTraining(JobServiceGrpc.newBlockingStub(channel), spec);
        } finally {
          channel.shutdownNow();
        }
      }
      try (CoordinatorServer second = externalCoordinator(port, Duration.ofSeconds(60))) {
        ManagedChannel channel = channel(second);
        try {
          var jobs = JobServiceGrpc.newBlockingStub(channel);
          Job done = awaitEnd(jobs, id);
          assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
          assertThat(done.getCoordinatorRestarts()).isEqualTo(1);
          assertThat(done.getEpochsList()).hasSize(EPOCHS_OUTLASTING_THE_TEST)
              .allSatisfy(e -> assertThat(e.getSamples()).isEqualTo(3_000));
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }

  /** A 2-worker MLP job on the first {@code trainSamples} training samples, batch 30. */
  private JobSpec spec(int trainSamples, int epochs, String faultTolerance) throws java.io.IOException {
    return spec(2, trainSamples, epochs, faultTolerance);
  }

  /** A {@code workers}-worker MLP job on the first {@code trainSamples} training samples, batch 30. */
  private JobSpec spec(int workers, int trainSamples, int epochs, String faultTolerance) throws java.io.IOException {
    FashionSubset data = FashionSubset.write(tmp.resolve("data-" + trainSamples), trainSamples, 300);
    return SpecProtos.toProto(JobSpecYaml.parse(data.yaml(workers, epochs, 30, faultTolerance), tmp));
  }

  private static Job awaitEnd(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      JobState s = get(jobs, id).getState();
      return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED;
    });
    return get(jobs, id);
  }

  private CoordinatorServer externalCoordinator() throws java.io.IOException {
    return externalCoordinator(Duration.ofSeconds(60));
  }

  /** {@code startTimeout}: how long a job may wait for enough workers to be attached at all. */
  private CoordinatorServer externalCoordinator(Duration startTimeout) throws java.io.IOException {
    return externalCoordinator(0, startTimeout);
  }

  private CoordinatorServer externalCoordinator(int port, Duration startTimeout) throws java.io.IOException {
    return CoordinatorServer.builder().port(port).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            startTimeout, Duration.ofSeconds(2)))
        .build().start();
  }

  private static WorkerRuntime worker(CoordinatorServer coordinator, String id) throws java.io.IOException {
    return worker("127.0.0.1:" + coordinator.port(), id);
  }

  private static WorkerRuntime worker(String coordinatorTarget, String id) throws java.io.IOException {
    return new WorkerRuntime(new WorkerRuntime.Config(coordinatorTarget, "127.0.0.1", 0, "", id, -1, "")).start();
  }

  private static ManagedChannel channel(CoordinatorServer coordinator) {
    return NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
  }

  /**
   * Submits the job and returns its id once it has trained at least one step, whatever its state now (between
   * epochs, recovering, ...): a wait for RUNNING with a step in progress can miss a job that moves fast. The
   * job must not have ended, which a job of {@link #EPOCHS_OUTLASTING_THE_TEST} epochs cannot have.
   */
  private static String submitAndAwaitTraining(JobServiceGrpc.JobServiceBlockingStub jobs, JobSpec spec) {
    String id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
    Job seen = await().atMost(Duration.ofMinutes(2))
        .until(() -> get(jobs, id), j -> hasTrainedAStep(j) || ended(j));
    assertThat(seen.getState()).as("job %s ended before the test could act on it (%s): give it more epochs", id,
        seen.getMessage()).isNotIn(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED);
    return id;
  }

  /** A step finished in the current epoch, or an epoch already. */
  private static boolean hasTrainedAStep(Job j) {
    return j.getEpochsCount() > 0 || j.getProgress().getStep() > 0;
  }

  private static boolean ended(Job j) {
    return j.getState() == JobState.JOB_STATE_SUCCEEDED || j.getState() == JobState.JOB_STATE_FAILED
        || j.getState() == JobState.JOB_STATE_CANCELLED;
  }

  private static Job get(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
    return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }
}
