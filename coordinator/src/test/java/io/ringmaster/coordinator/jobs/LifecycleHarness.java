package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.jobs.JobTimer.Kind;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.ModelSaved;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.proto.v1.Ready;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerFailure;
import io.ringmaster.proto.v1.WorkerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives a {@link JobLifecycle} in tests: a fake clock, worker refs, the messages workers would send,
 * and a record of every action the lifecycle asked for (timers are tracked so a test can fire them).
 */
final class LifecycleHarness {
  static final String JOB = "job-1";
  static final int TRAIN = 640;
  static final int TEST = 100;
  static final int BATCH = 64;
  static final long SEED = 42;

  long nanos = TimeUnit.SECONDS.toNanos(1_000);
  long wallMs = 1_700_000_000_000L;
  final JobLifecycle lifecycle;
  final JobSettings settings;
  /** Every action, in order, since the harness was made. */
  final List<JobAction> all = new ArrayList<>();
  /** The actions of the last event. */
  List<JobAction> last = List.of();
  private final Map<JobTimer, Long> running = new HashMap<>();
  private int attached;
  private final boolean launchesWorkers;

  LifecycleHarness(int workers, int epochs, FaultToleranceSpec ft, boolean launchesWorkers) {
    this(workers, epochs, ft, launchesWorkers, JobSettings.DEFAULTS, null);
  }

  LifecycleHarness(int workers, int epochs, FaultToleranceSpec ft, boolean launchesWorkers, JobSettings settings,
      Job stored) {
    this.settings = settings;
    this.launchesWorkers = launchesWorkers;
    JobSpec spec = io.ringmaster.job.spec.JobSpecResolver.withDefaults(
        new JobSpec("t", null, null, epochs, BATCH, null, SEED, workers, null, null, ft, null));
    ValidatedJob v = new ValidatedJob(spec, io.ringmaster.proto.v1.JobSpec.getDefaultInstance(), new DatasetInfo(TRAIN, 1, 28, 28, 10), new DatasetInfo(TEST, 1, 28, 28, 10));
    Job job = stored != null ? stored : Job.newBuilder().setId(JOB).setJobDir("/jobs/" + JOB)
        .setState(io.ringmaster.proto.v1.JobState.JOB_STATE_QUEUED).build();
    lifecycle = new JobLifecycle(job, v, io.ringmaster.proto.v1.JobSpec.getDefaultInstance(), stored != null, null,
        launchesWorkers, settings, () -> nanos, () -> wallMs);
  }

  static FaultToleranceSpec ft(int minWorkers, int maxReplacements) {
    return new FaultToleranceSpec(minWorkers, 0, maxReplacements, 30, 0, false, 6, 5, 30);
  }

  static int steps(int epoch) {
    return ShardPlan.of(SEED, epoch, TRAIN, BATCH).steps();
  }

  // ------------------------------------------------------------------ events

  List<JobAction> feed(JobInput input) {
    last = lifecycle.handle(input);
    all.addAll(last);
    for (JobAction a : last) {
      if (a instanceof JobAction.StartTimer t) {
        running.put(t.timer(), t.token());
      } else if (a instanceof JobAction.CancelTimer t) {
        running.remove(t.timer());
      }
    }
    return last;
  }

  void start() {
    feed(new JobInput.Start(Provenance.getDefaultInstance(), 0, null));
  }

  WorkerRef worker() {
    int n = attached++;
    return new WorkerRef(n + 1, "w" + n, "10.0.0." + (n + 1), 7000 + n, 100 + n, -1, "");
  }

  /** A worker attaches; a free one (external scheduler) takes one of the job's slots first, as the manager does. */
  WorkerRef attach() {
    WorkerRef w = worker();
    if (!launchesWorkers) {
      lifecycle.claimFreeWorkerSlot();
    }
    feed(new JobInput.Attached(w));
    return w;
  }

  /** A given worker attaches (e.g. with a slot, as a launched pod does). */
  WorkerRef feedAttached(WorkerRef w) {
    attached++;
    feed(new JobInput.Attached(w));
    return w;
  }

  List<WorkerRef> attach(int n) {
    List<WorkerRef> ws = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ws.add(attach());
    }
    return ws;
  }

  void message(WorkerRef w, WorkerMessage m) {
    feed(new JobInput.Message(w, m));
  }

  long generation() {
    return lifecycle.snapshot().getGeneration();
  }

  void ready(List<WorkerRef> ws) {
    long gen = generation();
    for (WorkerRef w : ws) {
      message(w, WorkerMessage.newBuilder().setReady(Ready.newBuilder().setJobId(JOB).setGeneration(gen)).build());
    }
  }

  void progress(WorkerRef w, int epoch, long steps) {
    message(w, WorkerMessage.newBuilder().setProgress(StepProgress.newBuilder().setEpoch(epoch).setSteps(steps)
        .setStepsInEpoch(steps(epoch)).setSamples(steps * BATCH)).build());
  }

  /** Every member reports a consistent result for {@code epoch}. */
  void epochResults(List<WorkerRef> ws, int epoch) {
    for (WorkerRef w : ws) {
      message(w, WorkerMessage.newBuilder().setEpochResult(EpochResult.newBuilder().setJobId(JOB).setEpoch(epoch)
          .setGeneration(generation()).setSteps(steps(epoch)).setTrainSamples(TRAIN).setTrainLossSum(TRAIN * 0.5)
          .setTrainLossSamples(TRAIN).setTestSamples(TEST / ws.size()).setTestLossSum(1).setTestCorrect(10)
          .setTrainSeconds(1).setParamsChecksum(7)).build());
    }
  }

  void paused(WorkerRef w, int epoch, long steps) {
    message(w, WorkerMessage.newBuilder().setPaused(Paused.newBuilder().setJobId(JOB).setGeneration(generation())
        .setEpoch(epoch).setCompletedSteps(steps).setHoldsState(true).setReason("paused")).build());
  }

  void saved(WorkerRef w) {
    message(w, WorkerMessage.newBuilder().setModelSaved(ModelSaved.newBuilder().setJobId(JOB)
        .setPath("/jobs/" + JOB + "/model.zip")).build());
  }

  void failure(WorkerRef w, FailureReason reason, String message) {
    message(w, WorkerMessage.newBuilder().setFailure(WorkerFailure.newBuilder().setJobId(JOB).setReason(reason)
        .setMessage(message)).build());
  }

  void activity(WorkerRef w, WorkerActivity.Kind kind) {
    feed(new JobInput.Activity(w, WorkerActivity.newBuilder().setKind(kind).setJobId(JOB)
        .setGeneration(generation()).build()));
  }

  void checkpoint(String id, int epoch, long step) {
    feed(new JobInput.CheckpointStored(CheckpointRef.newBuilder().setId(id).setJobId(JOB).setEpoch(epoch)
        .setStep(step).build()));
  }

  void advance(Duration d) {
    nanos += d.toNanos();
    wallMs += d.toMillis();
  }

  boolean timerRunning(Kind kind) {
    return running.keySet().stream().anyMatch(t -> t.kind() == kind);
  }

  /** Fires the running timer of this kind (the one the lifecycle started last). */
  void fire(Kind kind) {
    JobTimer t = running.keySet().stream().filter(x -> x.kind() == kind).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " timer runs; running: " + running.keySet()));
    feed(new JobInput.TimerFired(t, running.remove(t)));
  }

  // ------------------------------------------------------------------ what came out

  /** Commands sent to {@code w} by the last event, of one kind. */
  List<CoordinatorMessage> sent(WorkerRef w, CoordinatorMessage.BodyCase kind) {
    return sent(last, w, kind);
  }

  List<CoordinatorMessage> sentEver(WorkerRef w, CoordinatorMessage.BodyCase kind) {
    return sent(all, w, kind);
  }

  private static List<CoordinatorMessage> sent(List<JobAction> actions, WorkerRef w, CoordinatorMessage.BodyCase kind) {
    return actions.stream().filter(a -> a instanceof JobAction.Send s && s.worker().equals(w)
        && s.message().getBodyCase() == kind).map(a -> ((JobAction.Send) a).message()).toList();
  }

  List<String> notices() {
    return all.stream().filter(a -> a instanceof JobAction.Publish p && !p.extra().getNotice().isEmpty())
        .map(a -> ((JobAction.Publish) a).extra().getNotice()).toList();
  }

  List<JobEvent.Kind> published() {
    return last.stream().filter(a -> a instanceof JobAction.Publish).map(a -> ((JobAction.Publish) a).kind()).toList();
  }

  <T extends JobAction> List<T> actions(Class<T> type) {
    return last.stream().filter(type::isInstance).map(type::cast).toList();
  }

  Job job() {
    return lifecycle.snapshot();
  }

  io.ringmaster.job.JobState state() {
    return io.ringmaster.job.JobState.fromProto(job().getState());
  }

  JobLifecycle.Phase phase() {
    return lifecycle.phase();
  }

  /** Start, attach {@code n} free workers, all Ready: the job is RUNNING, epoch 1 sent. */
  List<WorkerRef> running(int n) {
    start();
    List<WorkerRef> ws = attach(n);
    ready(ws);
    return ws;
  }
}
