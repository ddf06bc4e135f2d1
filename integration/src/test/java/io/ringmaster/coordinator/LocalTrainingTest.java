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
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import io.ringmaster.proto.v1.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator launching real worker JVMs that train on (a slice of) the real Fashion-MNIST over
 * the real gRPC ring.
 */
class LocalTrainingTest {
  @TempDir static Path tmp;
  static CoordinatorServer coordinator;
  static ManagedChannel channel;
  static JobServiceGrpc.JobServiceBlockingStub jobs;
  static FashionSubset data;

  @BeforeAll
  static void start() throws Exception {
    data = FashionSubset.write(tmp.resolve("data"), 3_000, 600);
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs")).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    jobs = JobServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  static JobSpec spec(int workers, int epochs, int batch) {
    return SpecProtos.toProto(JobSpecYaml.parse(data.yaml(workers, epochs, batch), tmp));
  }

  static JobSpec spec(int workers, int epochs, int batch, String faultTolerance) {
    return SpecProtos.toProto(JobSpecYaml.parse(data.yaml(workers, epochs, batch, faultTolerance),
        tmp));
  }

  static Job get(String id) {
    return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }

  @Test
  void trainsWithTwoWorkerProcessesAndReportsEveryEpoch() throws Exception {
    Job submitted = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(2, 2, 100)).build());
    assertThat(submitted.getState()).isIn(JobState.JOB_STATE_QUEUED, JobState.JOB_STATE_STARTING);

    List<JobEvent> events = new ArrayList<>();
    Iterator<JobEvent> it = JobServiceGrpc.newBlockingStub(channel).withDeadlineAfter(240, java.util.concurrent.TimeUnit.SECONDS)
        .watchJob(WatchJobRequest.newBuilder().setJobId(submitted.getId()).build());
    it.forEachRemaining(events::add);

    assertThat(events.get(0).getKind()).isEqualTo(JobEvent.Kind.SNAPSHOT);
    Job done = events.get(events.size() - 1).getJob();
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    List<EpochMetrics> epochs = events.stream().filter(e -> e.getKind() == JobEvent.Kind.EPOCH_FINISHED)
        .map(JobEvent::getEpoch).toList();
    assertThat(epochs).extracting(EpochMetrics::getEpoch).containsExactly(1, 2);
    for (EpochMetrics m : epochs) {
      assertThat(m.getSamples()).isEqualTo(3_000);
      assertThat(m.getTestSamples()).isEqualTo(600);
      assertThat(m.getWorkers()).isEqualTo(2);
      assertThat(m.getSteps()).isEqualTo(30);
      assertThat(m.getTrainLoss()).isFinite().isPositive();
    }
    assertThat(epochs.get(1).getTestAccuracy()).as("learns something").isGreaterThan(0.6);
    assertThat(epochs.get(1).getTrainLoss()).isLessThan(epochs.get(0).getTrainLoss());
    assertThat(events).anyMatch(e -> e.getKind() == JobEvent.Kind.PROGRESS);
    assertThat(done.getWorkersList()).extracting(WorkerStatus::getRank).containsExactly(0, 1);
    assertThat(done.getWorkersList()).extracting(WorkerStatus::getPid).doesNotHaveDuplicates()
        .allMatch(pid -> pid > 0);
    assertThat(Path.of(done.getModelPath())).exists().isRegularFile();
    assertThat(Files.size(Path.of(done.getModelPath()))).isGreaterThan(10_000);
    // worker processes leave once released
    for (WorkerStatus w : done.getWorkersList()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(w.getPid()).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void withoutElasticityAKilledWorkerFailsTheJobNamingItsRankAndTheCoordinatorKeepsServing() {
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder()
        .setSpec(spec(2, 200, 50, "{minWorkers: 2, maxReplacements: 0}")).build());
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      Job j = get(job.getId());
      return j.getState() == JobState.JOB_STATE_RUNNING && j.getProgress().getStep() > 0;
    });
    Job running = get(job.getId());
    long victim = running.getWorkers(1).getPid();
    long survivor = running.getWorkers(0).getPid();
    ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL

    await().atMost(Duration.ofSeconds(30)).until(() -> get(job.getId()).getState() == JobState.JOB_STATE_FAILED);
    Job failed = get(job.getId());
    assertThat(failed.getReason()).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_WORKER_LOST);
    assertThat(failed.getMessage()).contains("rank 1").contains("pid " + victim).contains("exit code 137")
        .contains("minWorkers = 2");
    assertThat(failed.getWorkersList()).anySatisfy(w -> {
      assertThat(w.getPid()).isEqualTo(victim);
      assertThat(w.getState()).isEqualTo(io.ringmaster.proto.v1.WorkerState.WORKER_LOST);
      assertThat(w.getExitCode()).isEqualTo(137);
    });
    await().atMost(Duration.ofSeconds(20))
        .until(() -> ProcessHandle.of(survivor).map(p -> !p.isAlive()).orElse(true));
    // the coordinator still serves requests
    assertThat(jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()).extracting(Job::getId)
        .contains(job.getId());
  }

  @Test
  void cancelStopsTheWorkers() {
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(2, 200, 50)).build());
    await().atMost(Duration.ofSeconds(120)).until(() -> get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
    List<Long> pids = get(job.getId()).getWorkersList().stream().map(WorkerStatus::getPid).toList();
    Job cancelled = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    for (long pid : pids) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
  }
}
