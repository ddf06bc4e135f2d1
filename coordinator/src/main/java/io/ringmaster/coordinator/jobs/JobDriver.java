package io.ringmaster.coordinator.jobs;

import io.grpc.Status;
import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.SchedulerException;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.job.JobState;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Peer;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.Release;
import io.ringmaster.proto.v1.RunEpoch;
import io.ringmaster.proto.v1.SaveModel;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.proto.v1.WorkerMessage;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one job through its states: obtains workers, forms the ring, runs the epochs, combines the
 * metrics, has the model saved, and releases the workers. Every event (worker messages, process exits,
 * timers, cancel) is handled on the job's own single thread, so the job's state needs no locks; readers
 * get an immutable {@link #snapshot()}.
 *
 * <p>Failure policy of the core slice: any lost worker fails the job. When a worker dies, its peers
 * usually notice first (their collective stream breaks) and report {@code CollectiveError}; the driver
 * waits up to {@link JobSettings#failureGrace()} for the direct evidence (the dead worker's stream
 * ending, its exit code from the scheduler) so that the failure names the rank that died and why.
 */
final class JobDriver {
  private static final Logger log = LoggerFactory.getLogger(JobDriver.class);
  private static final long PROGRESS_PUBLISH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private enum Phase { NEW, WAITING_FOR_WORKERS, PREPARING, TRAINING, SAVING, DONE }

  /** How much a failure report tells about the cause; a better one replaces a worse one. */
  private static final int PEER_REPORT = 0;
  private static final int STREAM_LOST = 1;
  private static final int DIRECT = 2;

  /** A reason to fail that may still be replaced by better evidence during the grace period. */
  private record PendingFailure(String reason, String message, int evidence) {}

  private final JobServices services;
  private final ValidatedJob validated;
  private final Path jobDir;
  private final ExecutorService thread;
  private final Job.Builder job;
  private final java.util.concurrent.atomic.AtomicInteger freeSlots = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Job current;

  private Phase phase = Phase.NEW;
  private final List<WorkerSession> members = new ArrayList<>();
  private final Map<String, Integer> rankOf = new HashMap<>();
  private final Map<Long, WorkerExit> exitsByPid = new HashMap<>();
  private final java.util.Set<Integer> ready = new java.util.HashSet<>();
  private long generation = 0;
  private int epoch = 0;
  private long epochStartNanos;
  private final Map<Integer, EpochResult> epochResults = new HashMap<>();
  private final Map<Integer, StepProgress> progress = new HashMap<>();
  private long lastProgressPublish;
  private long rateSamples;
  private long rateNanos;
  private double recentRate;
  private PendingFailure pendingFailure;
  private ScheduledFuture<?> failureTimer;
  private ScheduledFuture<?> startTimer;

  JobDriver(JobServices services, Job stored, ValidatedJob validated) {
    this.services = services;
    this.validated = validated;
    this.jobDir = Path.of(stored.getJobDir());
    this.job = stored.toBuilder();
    this.current = stored;
    if (!services.scheduler().launchesWorkers()) {
      freeSlots.set(validated.spec().workers());
    }
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "job-" + stored.getId());
      t.setDaemon(true);
      return t;
    });
  }

  String id() {
    return current.getId();
  }

  /** The job as of the last handled event. */
  Job snapshot() {
    return current;
  }

  /**
   * Takes one of the free-worker slots this job still has (external scheduler only). Called by the
   * manager before it hands over a free worker, so that no more workers are offered than needed.
   */
  boolean claimFreeWorkerSlot() {
    return freeSlots.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  // ---------------------------------------------------------------- entry points (any thread)

  void start() {
    run(this::doStart);
  }

  void attached(WorkerSession s) {
    run(() -> doAttached(s));
  }

  void message(WorkerSession s, WorkerMessage m) {
    run(() -> doMessage(s, m));
  }

  void detached(WorkerSession s, String why) {
    run(() -> doDetached(s, why));
  }

  void workerExited(WorkerExit exit) {
    run(() -> doWorkerExited(exit));
  }

  void unresponsive(WorkerSession s, long silentMillis) {
    run(() -> {
      Integer rank = rankOf.get(s.workerId());
      if (rank == null || phase == Phase.DONE) {
        return;
      }
      fail("WorkerLost", "rank " + rank + " (" + describe(s) + ") stopped responding: no message for "
          + String.format("%.1f", silentMillis / 1000.0) + " s" + where(), DIRECT, true);
    });
  }

  CompletableFuture<Job> cancel(String why) {
    CompletableFuture<Job> done = new CompletableFuture<>();
    run(() -> {
      if (phase != Phase.DONE) {
        finish(JobState.CANCELLED, "", why);
      }
      done.complete(current);
    });
    return done;
  }

  // ---------------------------------------------------------------- handlers (job thread)

  private void doStart() {
    try {
      Files.createDirectories(jobDir.resolve("logs"));
    } catch (IOException e) {
      fail("Internal", "cannot create job directory " + jobDir + ": " + e, DIRECT, true);
      return;
    }
    job.setStartedAtMs(services.wallClock().getAsLong());
    moveTo(JobState.STARTING, "waiting for " + workers() + " worker(s)");
    phase = Phase.WAITING_FOR_WORKERS;
    if (services.scheduler().launchesWorkers()) {
      try {
        services.scheduler().launch(new LaunchRequest(id(), 0, workers(), jobDir,
            validated.spec().resources(), services.coordinatorTarget(), this::workerExited));
      } catch (SchedulerException e) {
        fail(e.reason(), e.getMessage(), DIRECT, true);
        return;
      }
      long timeout = services.settings().workerStartTimeout().toMillis();
      startTimer = services.timers().schedule(() -> run(this::startTimedOut), timeout, TimeUnit.MILLISECONDS);
    }
  }

  private void startTimedOut() {
    if (phase == Phase.WAITING_FOR_WORKERS || phase == Phase.PREPARING) {
      fail("WorkerStartTimeout", "only " + (phase == Phase.PREPARING ? ready.size() + " of " + workers()
          + " workers became ready" : members.size() + " of " + workers() + " workers attached")
          + " within " + services.settings().workerStartTimeout().toSeconds() + " s; see the logs in "
          + jobDir.resolve("logs"), DIRECT, true);
    }
  }

  private void doAttached(WorkerSession s) {
    if (phase != Phase.WAITING_FOR_WORKERS || members.size() >= workers()) {
      services.releaseUnneeded(s, id());
      return;
    }
    members.add(s);
    job.addWorkers(status(members.size() - 1, s));
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    if (members.size() == workers()) {
      formRing();
    }
  }

  private static WorkerStatus.Builder status(int rank, WorkerSession s) {
    return WorkerStatus.newBuilder().setRank(rank).setWorkerId(s.workerId()).setHost(s.host())
        .setPort(s.port()).setPid(s.pid()).setState(WorkerState.WORKER_LAUNCHING).setLogPath(s.logPath());
  }

  /** Ranks follow the scheduler's slots (so rank r logs to worker-r.log), else the order of arrival. */
  private void formRing() {
    members.sort(java.util.Comparator.comparingInt(WorkerSession::slot));
    job.clearWorkers();
    rankOf.clear();
    for (int r = 0; r < members.size(); r++) {
      rankOf.put(members.get(r).workerId(), r);
      job.addWorkers(status(r, members.get(r)));
    }
    generation++;
    phase = Phase.PREPARING;
    Membership.Builder m = Membership.newBuilder().setGeneration(generation);
    for (int r = 0; r < members.size(); r++) {
      WorkerSession w = members.get(r);
      m.addPeers(Peer.newBuilder().setRank(r).setWorkerId(w.workerId()).setHost(w.host()).setPort(w.port()));
    }
    for (int r = 0; r < members.size(); r++) {
      members.get(r).send(CoordinatorMessage.newBuilder().setAssign(Assign.newBuilder()
          .setJobId(id())
          .setSpec(SpecProtos.toProto(validated.spec()))
          .setTrain(validated.train().toProto())
          .setTest(validated.test().toProto())
          .setMembership(m.setRank(r))
          .setJobDir(jobDir.toString())).build());
      setWorkerState(r, WorkerState.WORKER_PREPARING, "");
    }
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    log.info("job {}: ring generation {} formed with {} rank(s)", id(), generation, members.size());
  }

  private void doMessage(WorkerSession s, WorkerMessage m) {
    Integer rank = rankOf.get(s.workerId());
    if (rank == null || phase == Phase.DONE) {
      return;
    }
    switch (m.getBodyCase()) {
      case READY -> onReady(rank, m.getReady().getGeneration());
      case PROGRESS -> onProgress(rank, m.getProgress());
      case EPOCH_RESULT -> onEpochResult(rank, m.getEpochResult());
      case MODEL_SAVED -> onModelSaved(m.getModelSaved().getPath());
      case FAILURE -> onWorkerFailure(rank, s, m.getFailure());
      default -> log.warn("job {}: unexpected {} from rank {}", id(), m.getBodyCase(), rank);
    }
  }

  private void onReady(int rank, long gen) {
    if (phase != Phase.PREPARING || gen != generation) {
      return;
    }
    ready.add(rank);
    setWorkerState(rank, WorkerState.WORKER_ACTIVE, "");
    if (ready.size() == members.size()) {
      if (startTimer != null) {
        startTimer.cancel(false);
      }
      phase = Phase.TRAINING;
      moveTo(JobState.RUNNING, "training on " + members.size() + " worker(s)");
      startEpoch(1);
    }
  }

  private void startEpoch(int e) {
    epoch = e;
    epochResults.clear();
    progress.clear();
    epochStartNanos = services.nanoClock().getAsLong();
    rateSamples = 0;
    rateNanos = epochStartNanos;
    recentRate = 0;
    ShardPlan plan = plan(e);
    job.setProgress(Progress.newBuilder().setEpoch(e).setStepsInEpoch(plan.steps()));
    for (WorkerSession w : members) {
      w.send(CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder()
          .setJobId(id()).setEpoch(e).setGeneration(generation)).build());
    }
    publish(JobEvent.Kind.PROGRESS, JobEvent.newBuilder());
  }

  private ShardPlan plan(int e) {
    return ShardPlan.of(validated.spec().seed(), e, (int) validated.train().samples(),
        validated.spec().batchSize());
  }

  private void onProgress(int rank, StepProgress p) {
    if (phase != Phase.TRAINING || p.getEpoch() != epoch) {
      return;
    }
    progress.put(rank, p);
    long now = services.nanoClock().getAsLong();
    if (now - lastProgressPublish < PROGRESS_PUBLISH_NANOS) {
      return;
    }
    lastProgressPublish = now;
    long samples = 0;
    double loss = 0;
    long steps = 0;
    for (StepProgress q : progress.values()) {
      samples += q.getSamples();
      loss += q.getLossSum();
      steps = Math.max(steps, q.getSteps());
    }
    if (now - rateNanos >= TimeUnit.SECONDS.toNanos(1) || recentRate == 0) {
      double dt = (now - rateNanos) / 1e9;
      if (dt > 0 && samples > rateSamples) {
        recentRate = (samples - rateSamples) / dt;
      }
      rateSamples = samples;
      rateNanos = now;
    }
    job.setProgress(Progress.newBuilder().setEpoch(epoch).setStep(steps)
        .setStepsInEpoch(p.getStepsInEpoch()).setSamples(samples).setSamplesPerS(recentRate)
        .setTrainLoss(samples == 0 ? 0 : loss / samples));
    publish(JobEvent.Kind.PROGRESS, JobEvent.newBuilder());
  }

  private void onEpochResult(int rank, EpochResult r) {
    if (phase != Phase.TRAINING || r.getEpoch() != epoch) {
      return;
    }
    epochResults.put(rank, r);
    if (epochResults.size() < members.size()) {
      return;
    }
    long trainSamples = 0;
    long testSamples = 0;
    long correct = 0;
    double trainLoss = 0;
    double testLoss = 0;
    double trainSeconds = 0;
    long steps = 0;
    for (EpochResult q : epochResults.values()) {
      trainSamples += q.getTrainSamples();
      testSamples += q.getTestSamples();
      correct += q.getTestCorrect();
      trainLoss += q.getTrainLossSum();
      testLoss += q.getTestLossSum();
      trainSeconds = Math.max(trainSeconds, q.getTrainSeconds());
      steps = Math.max(steps, q.getSteps());
    }
    long checksum = epochResults.get(0).getParamsChecksum();
    if (epochResults.values().stream().anyMatch(q -> q.getParamsChecksum() != checksum)) {
      StringBuilder sums = new StringBuilder();
      epochResults.forEach((rk, q) -> sums.append(" rank ").append(rk).append('=')
          .append(Long.toHexString(q.getParamsChecksum())));
      fail("ReplicaDivergence", "replicas disagree after epoch " + epoch + " (parameter checksums:" + sums
          + "); synchronous training requires bit-identical replicas", DIRECT, true);
      return;
    }
    if (trainSamples != validated.train().samples() || testSamples != validated.test().samples()) {
      fail("SampleCountMismatch", "epoch " + epoch + " used " + trainSamples + " training samples (expected "
          + validated.train().samples() + ") and " + testSamples + " test samples (expected "
          + validated.test().samples() + "): refusing to report metrics over the wrong data", DIRECT, true);
      return;
    }
    double duration = (services.nanoClock().getAsLong() - epochStartNanos) / 1e9;
    EpochMetrics metrics = EpochMetrics.newBuilder()
        .setEpoch(epoch)
        .setSamples(trainSamples)
        .setTrainLoss(trainLoss / trainSamples)
        .setTestLoss(testLoss / testSamples)
        .setTestAccuracy((double) correct / testSamples)
        .setDurationS(duration)
        .setSamplesPerS(trainSeconds > 0 ? trainSamples / trainSeconds : 0)
        .setWorkers(members.size())
        .setTestSamples(testSamples)
        .setSteps(steps)
        .build();
    job.addEpochs(metrics);
    job.setProgress(job.getProgressBuilder().setStep(steps).setSamples(trainSamples));
    log.info("job {}: epoch {}/{} train loss {} test loss {} test acc {} ({} s)", id(), epoch,
        validated.spec().epochs(), metrics.getTrainLoss(), metrics.getTestLoss(), metrics.getTestAccuracy(),
        String.format("%.1f", duration));
    publish(JobEvent.Kind.EPOCH_FINISHED, JobEvent.newBuilder().setEpoch(metrics));
    if (epoch < validated.spec().epochs()) {
      startEpoch(epoch + 1);
    } else {
      phase = Phase.SAVING;
      members.get(0).send(CoordinatorMessage.newBuilder().setSaveModel(SaveModel.newBuilder()
          .setJobId(id()).setPath(jobDir.resolve("model.zip").toString())).build());
    }
  }

  private void onModelSaved(String path) {
    if (phase != Phase.SAVING) {
      return;
    }
    job.setModelPath(path);
    finish(JobState.SUCCEEDED, "", "trained " + validated.spec().epochs() + " epoch(s); model saved to " + path);
  }

  private void onWorkerFailure(int rank, WorkerSession s, io.ringmaster.proto.v1.WorkerFailure f) {
    boolean consequence = "CollectiveError".equals(f.getReason());
    fail(f.getReason().isEmpty() ? "WorkerFailed" : f.getReason(),
        "rank " + rank + " (" + describe(s) + ") failed" + where() + ": " + f.getMessage(),
        consequence ? PEER_REPORT : DIRECT, !consequence);
  }

  private void doDetached(WorkerSession s, String why) {
    Integer rank = rankOf.get(s.workerId());
    if (rank == null && members.contains(s) && phase != Phase.DONE) {
      fail("WorkerLost", describe(s) + " left before the ring was formed: " + why, STREAM_LOST, false);
      return;
    }
    if (rank == null || phase == Phase.DONE) {
      return;
    }
    setWorkerState(rank, WorkerState.WORKER_LOST, why);
    WorkerExit exit = exitsByPid.get(s.pid());
    String detail = exit != null ? exitDetail(exit) : why;
    fail("WorkerLost", "rank " + rank + " (" + describe(s) + ") was lost" + where() + ": " + detail,
        exit != null ? DIRECT : STREAM_LOST, exit != null || !services.scheduler().launchesWorkers());
  }

  private void doWorkerExited(WorkerExit exit) {
    exitsByPid.put(exit.pid(), exit);
    if (phase == Phase.DONE) {
      return;
    }
    Integer rank = null;
    for (int r = 0; r < members.size(); r++) {
      if (members.get(r).pid() == exit.pid()) {
        rank = r;
      }
    }
    String who = rank != null ? "rank " + rank + " (pid " + exit.pid() + ")"
        : "worker slot " + exit.slot() + " (pid " + exit.pid() + ", before it attached)";
    if (rank != null) {
      setWorkerState(rank, WorkerState.WORKER_LOST, exit.describeExit());
      job.getWorkersBuilder(rank).setExitCode(exit.exitCode()).setLogPath(exit.logPath().toString());
    }
    fail("WorkerLost", who + " died" + where() + ": " + exitDetail(exit), DIRECT, true);
  }

  // ---------------------------------------------------------------- failure and completion

  /**
   * Fails the job now ({@code immediate}) or after the grace period, keeping the best explanation:
   * direct evidence about the worker that died beats a peer's report that its neighbour vanished.
   */
  private void fail(String reason, String message, int evidence, boolean immediate) {
    if (phase == Phase.DONE) {
      return;
    }
    if (pendingFailure == null || evidence > pendingFailure.evidence()) {
      pendingFailure = new PendingFailure(reason, message, evidence);
    }
    if (immediate) {
      finishFailed();
    } else if (failureTimer == null) {
      failureTimer = services.timers().schedule(() -> run(this::finishFailed),
          services.settings().failureGrace().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void finishFailed() {
    if (phase == Phase.DONE || pendingFailure == null) {
      return;
    }
    finish(JobState.FAILED, pendingFailure.reason(), pendingFailure.message());
  }

  private void finish(JobState state, String reason, String message) {
    phase = Phase.DONE;
    if (startTimer != null) {
      startTimer.cancel(false);
    }
    if (failureTimer != null) {
      failureTimer.cancel(false);
    }
    boolean shutdown = services.scheduler().launchesWorkers();
    for (int r = 0; r < members.size(); r++) {
      WorkerSession w = members.get(r);
      w.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
          .setReason(state.name().toLowerCase(java.util.Locale.ROOT)).setShutdown(shutdown)).build());
      if (job.getWorkers(r).getState() != WorkerState.WORKER_LOST) {
        setWorkerState(r, WorkerState.WORKER_EXITED, "");
      }
    }
    job.setReason(reason);
    job.setFinishedAtMs(services.wallClock().getAsLong());
    moveTo(state, message);
    log.info("job {}: {} {}", id(), state, message);
    services.jobFinished(this, shutdown ? List.of() : List.copyOf(members));
    thread.shutdown();
  }

  // ---------------------------------------------------------------- helpers

  private void moveTo(JobState next, String message) {
    JobState now = JobState.fromProto(job.getState());
    if (!now.canMoveTo(next)) {
      throw new IllegalStateException("job " + id() + ": " + now + " -> " + next + " is not allowed");
    }
    job.setState(next.toProto()).setMessage(message);
    publish(JobEvent.Kind.STATE_CHANGED, JobEvent.newBuilder());
  }

  private void setWorkerState(int rank, WorkerState state, String message) {
    job.getWorkersBuilder(rank).setState(state).setMessage(message);
  }

  private void publish(JobEvent.Kind kind, JobEvent.Builder extra) {
    Job snapshot = job.build();
    current = snapshot;
    if (kind != JobEvent.Kind.PROGRESS) {
      services.store().put(snapshot);
    }
    services.hub().publish(kind, snapshot, extra);
  }

  private int workers() {
    return validated.spec().workers();
  }

  private String where() {
    if (phase != Phase.TRAINING) {
      return phase == Phase.SAVING ? " while saving the model" : " while the job was starting";
    }
    long step = progress.values().stream().mapToLong(StepProgress::getSteps).max().orElse(0);
    return " during epoch " + epoch + " (step " + step + " of " + plan(epoch).steps() + ")";
  }

  private static String describe(WorkerSession s) {
    return "pid " + s.pid() + " at " + s.host() + ":" + s.port();
  }

  private static String exitDetail(WorkerExit exit) {
    StringBuilder b = new StringBuilder(exit.describeExit());
    b.append("; log ").append(exit.logPath());
    if (!exit.logTail().isEmpty()) {
      b.append("; last lines:");
      int from = Math.max(0, exit.logTail().size() - 5);
      for (String line : exit.logTail().subList(from, exit.logTail().size())) {
        b.append("\n    ").append(line);
      }
    }
    return b.toString();
  }

  private void run(Runnable r) {
    try {
      thread.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.error("job {}: internal error", id(), e);
          if (phase != Phase.DONE) {
            pendingFailure = new PendingFailure("Internal", "coordinator error: " + e, DIRECT);
            finishFailed();
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the job is finished; late events are irrelevant
    }
  }

  /** Used by the coordinator when it shuts down. */
  void closeStatus(Status status) {
    for (WorkerSession w : members) {
      w.close(status);
    }
  }
}
