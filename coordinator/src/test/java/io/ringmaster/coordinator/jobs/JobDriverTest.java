package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.SchedulerException;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.Provenance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver carries out the lifecycle's actions with what it is given: its thread, timers, scheduler, store. */
class JobDriverTest {
  @TempDir Path dir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final InMemoryJobStore store = new InMemoryJobStore();
  private final CompletableFuture<String> finishedOn = new CompletableFuture<>();
  private final List<LaunchRequest> launches = new ArrayList<>();
  private ExecutorService jobThread;

  @AfterEach
  void stop() {
    timers.shutdownNow();
    if (jobThread != null) {
      jobThread.shutdownNow();
    }
  }

  private JobServices services(WorkerScheduler scheduler, JobSettings settings) {
    return new JobServices() {
      @Override public JobStore store() { return store; }
      @Override public JobEventHub hub() { return new JobEventHub(System::currentTimeMillis); }
      @Override public WorkerScheduler scheduler() { return scheduler; }
      @Override public ScheduledExecutorService timers() { return timers; }
      @Override public ExecutorService newJobThread(String jobId) {
        return Executors.newSingleThreadExecutor(r -> new Thread(r, "injected-" + jobId));
      }
      @Override public JobSettings settings() { return settings; }
      @Override public LongSupplier nanoClock() { return System::nanoTime; }
      @Override public LongSupplier wallClock() { return System::currentTimeMillis; }
      @Override public String coordinatorTarget() { return "127.0.0.1:1"; }
      @Override public void evict(String jobId, WorkerSession session) { }
      @Override public void releaseUnneeded(WorkerSession session, String jobId) { }
      @Override
      public void jobRequeued(JobDriver driver, String reason) {}

      @Override public void jobFinished(JobDriver driver, List<WorkerSession> freed) {
        finishedOn.complete(Thread.currentThread().getName());
      }
    };
  }

  private static WorkerScheduler scheduler(List<LaunchRequest> launches, SchedulerException refusal) {
    return new WorkerScheduler() {
      @Override public void launch(LaunchRequest request) throws SchedulerException {
        if (refusal != null) {
          throw refusal;
        }
        launches.add(request);
      }
      @Override public void stop(String jobId) { }
      @Override public boolean launchesWorkers() { return true; }
      @Override public void close() { }
    };
  }

  private JobDriver driver(JobServices services) {
    JobSpec spec = io.ringmaster.job.spec.JobSpecResolver.withDefaults(
        new JobSpec("t", null, null, 1, 64, null, 42L, 2, null, null, null, null));
    ValidatedJob v = new ValidatedJob(spec, io.ringmaster.proto.v1.JobSpec.getDefaultInstance(), new DatasetInfo(640, 1, 28, 28, 10), new DatasetInfo(100, 1, 28, 28, 10));
    Job stored = Job.newBuilder().setId("j1").setJobDir(dir.resolve("j1").toString()).setState(JobState.JOB_STATE_QUEUED).build();
    store.put(stored);
    jobThread = services.newJobThread("j1");
    return new JobDriver(services, stored, v, false, null, jobThread);
  }

  @Test
  void theStartTimerRunsOnTheInjectedTimersAndEndsTheJobOnItsInjectedThread() throws Exception {
    JobSettings settings = new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofMillis(50), Duration.ofSeconds(3));
    JobDriver d = driver(services(scheduler(launches, null), settings));
    d.start(Provenance.getDefaultInstance());

    assertThat(finishedOn.get(10, TimeUnit.SECONDS)).isEqualTo("injected-j1");
    assertThat(launches).singleElement().satisfies(l -> {
      assertThat(l.count()).isEqualTo(2);
      assertThat(l.jobDir()).isEqualTo(dir.resolve("j1"));
    });
    Job stored = store.get("j1").orElseThrow();
    assertThat(stored.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(stored.getReason()).isEqualTo(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT);
    assertThat(stored.getEventSequence()).as("stored with the number of its last event").isPositive();
    assertThat(d.snapshot()).isEqualTo(stored.toBuilder().clearEventSequence().build());
    assertThat(jobThread.awaitTermination(10, TimeUnit.SECONDS)).as("the job's thread ends with the job").isTrue();
  }

  @Test
  void aLaunchTheSchedulerRefusesComesBackAsAnEventAndFailsTheJobWithItsReason() throws Exception {
    SchedulerException refusal = new SchedulerException(FailureReason.FAILURE_REASON_LAUNCH_FAILED,
        "cannot start java: no such file", null);
    JobDriver d = driver(services(scheduler(launches, refusal), JobSettings.DEFAULTS));
    d.start(Provenance.getDefaultInstance());

    finishedOn.get(10, TimeUnit.SECONDS);
    Job stored = store.get("j1").orElseThrow();
    assertThat(stored.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(stored.getReason()).isEqualTo(FailureReason.FAILURE_REASON_LAUNCH_FAILED);
    assertThat(stored.getMessage()).isEqualTo("cannot start java: no such file");
    assertThat(d.cancel("late").get(10, TimeUnit.SECONDS).getState()).as("a finished job stays as it is")
        .isEqualTo(JobState.JOB_STATE_FAILED);
  }
}
