package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.SchedulerException;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.job.FailureReasons;
import io.ringmaster.job.JobState;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Pause;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.Peer;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.proto.v1.Release;
import io.ringmaster.proto.v1.RunEpoch;
import io.ringmaster.proto.v1.SaveModel;
import io.ringmaster.proto.v1.StallReport;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.proto.v1.WorkerMessage;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one job through its states: obtains workers, forms the ring, runs the epochs, combines the
 * metrics, has the model saved, and releases the workers. Every event (worker messages, process exits,
 * timers, cancel) is handled on the job's own single thread, so the job's state needs no locks; readers
 * get an immutable {@link #snapshot()}.
 *
 * <p><b>Elastic recovery.</b> When a ring member is lost (its stream ends, its process exits, it stops
 * sending heartbeats, or the stall inspector evicts it), or a replacement attaches, the driver:
 * <ol>
 *   <li>pauses every remaining member ({@code Pause}); each stops at a step boundary and answers with its
 *       cursor ({@code Paused}: epoch, completed steps). Members whose ring broke under them report
 *       unasked. A member that does not answer in time is lost too;
 *   <li>with at least {@code faultTolerance.minWorkers} members (survivors plus attached joiners), forms
 *       a ring of the next generation ({@link RecoveryPlan}): training resumes at the most advanced
 *       survivor's cursor; members behind it and joiners fetch the replica from it; the rest of the
 *       epoch's steps are split over the new ring ({@link ShardPlan}), so every sample is still used
 *       exactly once in the epoch. With fewer, it waits for replacements (the scheduler starts them) up to
 *       {@code faultTolerance.replacementTimeoutS}, then fails;
 *   <li>when every member is Ready, sends {@code RunEpoch} from the resume step.
 * </ol>
 * A coordinator restart resumes the job the same way from its newest valid checkpoint.
 */
final class JobDriver {
  private static final Logger log = LoggerFactory.getLogger(JobDriver.class);
  private static final long PROGRESS_PUBLISH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private enum Phase {
    NEW, WAITING_FOR_WORKERS, PREPARING, TRAINING, PAUSING, WAITING_FOR_REPLACEMENTS, SAVING, DONE
  }

  /** How much a failure report tells about the cause; a better one replaces a worse one. */
  private static final int PEER_REPORT = 0;
  private static final int DIRECT = 2;

  /** A reason to fail that may still be replaced by better evidence during the grace period. */
  private record PendingFailure(FailureReason reason, String message, int evidence) {}

  private final JobServices services;
  private final ValidatedJob validated;
  private final FaultToleranceSpec ft;
  private final Path jobDir;
  private final ExecutorService thread;
  private final Job.Builder job;
  private final AtomicInteger freeSlots = new AtomicInteger();
  private final boolean resuming;
  private volatile Job current;
  private Provenance provenance = Provenance.getDefaultInstance();

  private Phase phase = Phase.NEW;
  /** The ring of the current generation, by rank; lost members stay until the next ring is formed. */
  private final List<WorkerSession> ring = new ArrayList<>();
  private final Set<String> lost = new HashSet<>();
  /** Attached workers not (yet) in the ring, oldest first. */
  private final List<WorkerSession> joiners = new ArrayList<>();
  /** Workers that left the job for good, for status. */
  private final List<WorkerStatus> departed = new ArrayList<>();
  private final Map<Long, WorkerExit> exitsByPid = new HashMap<>();
  /** Every worker process that ever attached to this job. */
  private final Set<Long> attachedPids = new HashSet<>();
  private long generation;
  /** Rings formed since a step last completed: bounds a recovery that keeps failing. */
  private int ringsWithoutProgress;
  private static final int MAX_RINGS_WITHOUT_PROGRESS = 10;
  private final Set<Integer> ready = new HashSet<>();
  private final Map<String, Paused> paused = new LinkedHashMap<>();
  private boolean pendingSave;

  private int epoch = 1;
  private long startStep;
  private int epochStartedFor = -1;
  private long epochStartNanos;
  private int recoveriesThisEpoch;
  private final Map<Integer, EpochResult> epochResults = new HashMap<>();
  private final Map<Integer, StepProgress> progress = new HashMap<>();
  private final StallInspector stalls;
  private final Set<Integer> stallNamed = new HashSet<>();
  private long lastProgressPublish;
  private long rateSamples;
  private long rateNanos;
  private double recentRate;

  private int launchesPending;
  private int nextSlot;
  private int replacementsStarted;
  private RecoveryPlan.CheckpointCursor resumeCheckpoint;

  private PendingFailure pendingFailure;
  private ScheduledFuture<?> failureTimer;
  private ScheduledFuture<?> startTimer;
  private ScheduledFuture<?> pauseTimer;
  private ScheduledFuture<?> replacementTimer;

  /**
   * @param resumeFrom for a job resumed after a coordinator restart: its newest valid checkpoint (null:
   *     start over from epoch 1); ignored for a new job
   */
  JobDriver(JobServices services, Job stored, ValidatedJob validated, boolean resuming,
      RecoveryPlan.CheckpointCursor resumeFrom) {
    this.services = services;
    this.validated = validated;
    this.ft = validated.spec().ft();
    this.jobDir = Path.of(stored.getJobDir());
    this.job = stored.toBuilder();
    this.current = stored;
    this.resuming = resuming;
    this.resumeCheckpoint = resumeFrom;
    this.stalls = new StallInspector((long) (ft.stallWarningS() * 1000), (long) (ft.stallTimeoutS() * 1000));
    this.replacementsStarted = stored.getReplacements();
    this.generation = stored.getGeneration(); // generations keep increasing across coordinator restarts
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "job-" + stored.getId());
      t.setDaemon(true);
      return t;
    });
    if (!services.scheduler().launchesWorkers()) {
      freeSlots.set(validated.spec().workers());
    }
  }

  String id() {
    return current.getId();
  }

  /** The job as of the last handled event. */
  Job snapshot() {
    return current;
  }

  /** Silence after which a worker of this job is declared dead. */
  long workerTimeoutNanos() {
    return (long) (ft.workerTimeoutS() * 1e9);
  }

  /**
   * Takes one of the free-worker slots this job still has (external scheduler only). Called by the
   * manager before it hands over a free worker, so that no more workers are offered than needed.
   */
  boolean claimFreeWorkerSlot() {
    return freeSlots.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  // ---------------------------------------------------------------- entry points (any thread)

  void start(Provenance provenance) {
    run(() -> doStart(provenance));
  }

  void attached(WorkerSession s) {
    run(() -> doAttached(s));
  }

  void message(WorkerSession s, WorkerMessage m) {
    run(() -> doMessage(s, m));
  }

  /**
   * A worker's control stream ended. For a process the scheduler started, its exit code usually follows
   * within milliseconds and says much more, so wait for it up to the failure grace period.
   */
  void detached(WorkerSession s, String why) {
    run(() -> {
      WorkerExit exit = exitsByPid.get(s.pid());
      if (exit != null || !services.scheduler().launchesWorkers()) {
        workerLost(s, exit != null ? exitDetail(exit) : why, exit);
        return;
      }
      services.timers().schedule(() -> run(() -> {
        WorkerExit late = exitsByPid.get(s.pid());
        if (late == null) {
          services.evict(id(), s); // its stream is gone: make sure the process is too
        }
        workerLost(s, late != null ? exitDetail(late) : why, late);
      }), services.settings().failureGrace().toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  void workerExited(WorkerExit exit) {
    run(() -> doWorkerExited(exit));
  }

  void unresponsive(WorkerSession s, long silentMillis) {
    run(() -> {
      if (!ring.contains(s) && !joiners.contains(s)) {
        return;
      }
      services.evict(id(), s);
      workerLost(s, "stopped responding: no heartbeat for " + String.format(Locale.ROOT, "%.1f", silentMillis / 1000.0)
          + " s (faultTolerance.workerTimeoutS = " + ft.workerTimeoutS() + "); evicted", null);
    });
  }

  void checkpointStored(CheckpointRef ref) {
    run(() -> {
      if (phase == Phase.DONE) {
        return;
      }
      job.setLatestCheckpoint(ref);
      current = job.build();
      services.store().put(current); // no event: checkpoints are routine
    });
  }

  /** Tells the user something about the job (e.g. a corrupt checkpoint was skipped). */
  void notice(String text) {
    run(() -> publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text)));
  }

  /**
   * The coordinator is shutting down cleanly: release the workers but leave the job's state as it is,
   * so that a coordinator restarted on the same store resumes it from its newest checkpoint.
   */
  CompletableFuture<Job> suspend() {
    CompletableFuture<Job> done = new CompletableFuture<>();
    run(() -> {
      if (phase != Phase.DONE) {
        phase = Phase.DONE;
        cancel(startTimer);
        cancel(failureTimer);
        cancel(pauseTimer);
        cancel(replacementTimer);
        List<WorkerSession> everyone = new ArrayList<>(liveMembers());
        everyone.addAll(joiners);
        for (WorkerSession w : everyone) {
          w.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
              .setReason("coordinator shutting down").setShutdown(services.scheduler().launchesWorkers())).build());
        }
        job.setMessage("coordinator shut down; the job resumes from its newest checkpoint when it restarts");
        publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(job.getMessage()));
        thread.shutdown();
      }
      done.complete(current);
    });
    if (thread.isShutdown() && !done.isDone()) {
      done.complete(current);
    }
    return done;
  }

  CompletableFuture<Job> cancel(String why) {
    CompletableFuture<Job> done = new CompletableFuture<>();
    run(() -> {
      if (phase != Phase.DONE) {
        finish(JobState.CANCELLED, FailureReason.FAILURE_REASON_UNSPECIFIED, why);
      }
      done.complete(current);
    });
    if (thread.isShutdown() && !done.isDone()) {
      done.complete(current);
    }
    return done;
  }

  // ---------------------------------------------------------------- start and ring formation

  private void doStart(Provenance p) {
    this.provenance = p;
    try {
      Files.createDirectories(jobDir.resolve("logs"));
      try (var files = Files.list(jobDir.resolve("logs"))) {
        nextSlot = (int) files.filter(f -> f.getFileName().toString().startsWith("worker-")).count();
      }
    } catch (IOException e) {
      fail(FailureReason.FAILURE_REASON_INTERNAL, "cannot create job directory " + jobDir + ": " + e, DIRECT, true);
      return;
    }
    if (job.getStartedAtMs() == 0) {
      job.setStartedAtMs(services.wallClock().getAsLong());
    }
    if (resuming) {
      job.setCoordinatorRestarts(job.getCoordinatorRestarts() + 1);
      moveTo(JobState.RECOVERING, "coordinator restarted: resuming "
          + (resumeCheckpoint == null ? "from the start (no checkpoint)" : "from checkpoint "
          + resumeCheckpoint.ref().getId()) + " with " + workers() + " new worker(s)");
    } else {
      moveTo(JobState.STARTING, "waiting for " + workers() + " worker(s)");
    }
    phase = Phase.WAITING_FOR_WORKERS;
    if (services.scheduler().launchesWorkers()) {
      launch(workers());
      long timeout = services.settings().workerStartTimeout().toMillis();
      startTimer = services.timers().schedule(() -> run(this::startTimedOut), timeout, TimeUnit.MILLISECONDS);
    } else {
      formFirstRingIfComplete(); // free workers may have been handed over before the start ran
    }
  }

  private void formFirstRingIfComplete() {
    if (joiners.size() == workers()) {
      formRing(RecoveryPlan.plan(List.of(), ids(joiners), resumeCheckpoint, ft.maxWorkers()));
    }
  }

  private boolean launch(int count) {
    try {
      services.scheduler().launch(new LaunchRequest(id(), nextSlot, count, jobDir,
          validated.spec().resources(), services.coordinatorTarget(), this::workerExited));
      nextSlot += count;
      launchesPending += count;
      return true;
    } catch (SchedulerException e) {
      fail(e.reason(), e.getMessage(), DIRECT, true);
      return false;
    }
  }

  private void startTimedOut() {
    if (phase == Phase.WAITING_FOR_WORKERS || phase == Phase.PREPARING) {
      fail(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT, "only " + (phase == Phase.PREPARING ? ready.size() + " of " + ring.size()
          + " workers became ready" : joiners.size() + " of " + workers() + " workers attached")
          + " within " + services.settings().workerStartTimeout().toSeconds() + " s; see the logs in "
          + jobDir.resolve("logs"), DIRECT, true);
    }
  }

  private void doAttached(WorkerSession s) {
    attachedPids.add(s.pid());
    if (s.slot() >= 0 && launchesPending > 0) {
      launchesPending--;
    }
    int members = (int) ring.stream().filter(w -> !lost.contains(w.workerId())).count();
    if (phase == Phase.DONE || phase == Phase.SAVING || members + joiners.size() >= ft.maxWorkers()) {
      services.releaseUnneeded(s, id());
      return;
    }
    joiners.add(s);
    joiners.sort(java.util.Comparator.comparingInt(WorkerSession::slot));
    rebuildWorkerStatuses();
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    switch (phase) {
      case WAITING_FOR_WORKERS -> formFirstRingIfComplete();
      case TRAINING -> startPause("worker " + describe(s) + " joins at the next step boundary");
      case WAITING_FOR_REPLACEMENTS -> maybeFinishPause();
      default -> { /* taken in at the next ring formation */ }
    }
  }

  private void formRing(RecoveryPlan plan) {
    cancel(replacementTimer);
    if (++ringsWithoutProgress > MAX_RINGS_WITHOUT_PROGRESS) {
      fail(FailureReason.FAILURE_REASON_RECOVERY_FAILED, "the ring was re-formed " + MAX_RINGS_WITHOUT_PROGRESS + " times in a row without"
          + " completing a step; last reason: " + job.getMessage(), DIRECT, true);
      return;
    }
    Map<String, WorkerSession> byId = new HashMap<>();
    ring.forEach(w -> byId.put(w.workerId(), w));
    joiners.forEach(w -> byId.put(w.workerId(), w));
    boolean firstRing = ring.isEmpty();
    generation++;
    phase = Phase.PREPARING;
    ready.clear();
    paused.clear();
    stalls.reset();
    stallNamed.clear();
    lost.clear(); // members lost from the old ring leave for good
    List<WorkerSession> next = new ArrayList<>();
    for (RecoveryPlan.Member m : plan.members()) {
      next.add(byId.get(m.workerId()));
    }
    // anyone not taken (over maxWorkers) goes
    for (WorkerSession w : byId.values()) {
      if (!next.contains(w)) {
        services.releaseUnneeded(w, id());
      }
    }
    ring.clear();
    ring.addAll(next);
    joiners.removeAll(next);
    joiners.clear();
    epoch = plan.epoch();
    startStep = plan.step();
    if (!firstRing && epochStartedFor == epoch) {
      recoveriesThisEpoch++;
    }
    Membership.Builder membership = Membership.newBuilder().setGeneration(generation);
    for (int r = 0; r < ring.size(); r++) {
      WorkerSession w = ring.get(r);
      membership.addPeers(Peer.newBuilder().setRank(r).setWorkerId(w.workerId()).setHost(w.host()).setPort(w.port()));
    }
    for (RecoveryPlan.Member m : plan.members()) {
      ring.get(m.rank()).send(CoordinatorMessage.newBuilder().setAssign(Assign.newBuilder()
          .setJobId(id())
          .setSpec(validated.specProto())
          .setTrain(validated.train().toProto())
          .setTest(validated.test().toProto())
          .setMembership(membership.setRank(m.rank()))
          .setJobDir(jobDir.toString())
          .setResume(m.resume())
          .setProvenance(provenance)).build());
    }
    job.setGeneration(generation);
    rebuildWorkerStatuses();
    for (int r = 0; r < ring.size(); r++) {
      setWorkerState(r, WorkerState.WORKER_PREPARING, "");
    }
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    String how = plan.members().stream().map(m -> "rank " + m.rank() + " " + describeResume(m))
        .collect(Collectors.joining(", "));
    log.info("job {}: ring generation {} with {} rank(s) at epoch {} step {}: {}", id(), generation, ring.size(),
        epoch, startStep, how);
    if (!firstRing || resuming) {
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice("ring generation " + generation + ": "
          + ring.size() + " worker(s), resuming at epoch " + epoch + " step " + startStep));
    }
  }

  private static String describeResume(RecoveryPlan.Member m) {
    return switch (m.resume().getSourceCase()) {
      case LOCAL -> "keeps its replica";
      case PEER_RANK -> "copies rank " + m.resume().getPeerRank();
      case CHECKPOINT_ID -> "loads checkpoint " + m.resume().getCheckpointId();
      default -> "starts fresh";
    };
  }

  // ---------------------------------------------------------------- worker messages

  private void doMessage(WorkerSession s, WorkerMessage m) {
    int rank = ring.indexOf(s);
    if (phase == Phase.DONE) {
      return;
    }
    if (rank < 0) {
      if (m.hasFailure() && joiners.contains(s)) {
        workerLost(s, FailureReasons.display(m.getFailure().getReason()) + ": " + m.getFailure().getMessage(), null);
      }
      return;
    }
    switch (m.getBodyCase()) {
      case READY -> onReady(rank, m.getReady().getGeneration());
      case PROGRESS -> onProgress(rank, m.getProgress());
      case EPOCH_RESULT -> onEpochResult(rank, m.getEpochResult());
      case MODEL_SAVED -> onModelSaved(m.getModelSaved().getPath());
      case FAILURE -> onWorkerFailure(rank, s, m.getFailure());
      case PAUSED -> onPaused(s, m.getPaused());
      case STALL -> onStall(rank, m.getStall());
      default -> log.warn("job {}: unexpected {} from rank {}", id(), m.getBodyCase(), rank);
    }
  }

  private void onReady(int rank, long gen) {
    if (phase != Phase.PREPARING || gen != generation) {
      return;
    }
    ready.add(rank);
    setWorkerState(rank, WorkerState.WORKER_ACTIVE, "");
    if (ready.size() < ring.size()) {
      return;
    }
    cancel(startTimer);
    if (JobState.fromProto(job.getState()) != JobState.RUNNING) {
      moveTo(JobState.RUNNING, "training on " + ring.size() + " worker(s)");
    } else {
      publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    }
    if (!joiners.isEmpty() && ring.size() < ft.maxWorkers()) {
      startPause(joiners.size() + " worker(s) waiting to join");
      return;
    }
    proceed();
  }

  /** After a ring became ready: save, or continue training from the cursor. */
  private void proceed() {
    if (pendingSave) {
      save();
      return;
    }
    if (startStep == steps(epoch) && epochRecorded(epoch)) {
      if (epoch >= validated.spec().epochs()) {
        save();
        return;
      }
      epoch++;
      startStep = 0;
    }
    runEpoch();
  }

  private void runEpoch() {
    phase = Phase.TRAINING;
    if (epochStartedFor != epoch) {
      epochStartedFor = epoch;
      epochStartNanos = services.nanoClock().getAsLong();
      recoveriesThisEpoch = 0;
    }
    epochResults.clear();
    progress.clear();
    stalls.reset();
    stallNamed.clear();
    rateSamples = 0;
    rateNanos = services.nanoClock().getAsLong();
    recentRate = 0;
    job.setProgress(Progress.newBuilder().setEpoch(epoch).setStep(startStep).setStepsInEpoch(steps(epoch)));
    for (WorkerSession w : ring) {
      w.send(CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder()
          .setJobId(id()).setEpoch(epoch).setGeneration(generation).setStartStep(startStep)).build());
    }
    publish(JobEvent.Kind.PROGRESS, JobEvent.newBuilder());
  }

  private void save() {
    pendingSave = true;
    phase = Phase.SAVING;
    ring.get(0).send(CoordinatorMessage.newBuilder().setSaveModel(SaveModel.newBuilder()
        .setJobId(id()).setPath(jobDir.resolve("model.zip").toString())).build());
  }

  private int steps(int e) {
    return ShardPlan.of(validated.spec().seed(), e, (int) validated.train().samples(), validated.spec().batchSize())
        .steps();
  }

  private boolean epochRecorded(int e) {
    return job.getEpochsList().stream().anyMatch(m -> m.getEpoch() == e);
  }

  private void onProgress(int rank, StepProgress p) {
    if (phase != Phase.TRAINING || p.getEpoch() != epoch) {
      return;
    }
    if (p.getSteps() > startStep) {
      ringsWithoutProgress = 0;
    }
    progress.put(rank, p);
    long now = services.nanoClock().getAsLong();
    if (now - lastProgressPublish < PROGRESS_PUBLISH_NANOS) {
      return;
    }
    lastProgressPublish = now;
    StepProgress best = progress.values().stream()
        .max(java.util.Comparator.comparingLong(StepProgress::getSteps)).orElse(p);
    long samples = best.getSamples();
    if (now - rateNanos >= TimeUnit.SECONDS.toNanos(1) || recentRate == 0) {
      double dt = (now - rateNanos) / 1e9;
      if (dt > 0 && samples > rateSamples && rateSamples > 0) {
        recentRate = (samples - rateSamples) / dt;
      }
      rateSamples = samples;
      rateNanos = now;
    }
    job.setProgress(Progress.newBuilder().setEpoch(epoch).setStep(best.getSteps())
        .setStepsInEpoch(best.getStepsInEpoch()).setSamples(samples).setSamplesPerS(recentRate)
        .setTrainLoss(samples == 0 ? 0 : best.getLossSum() / samples));
    publish(JobEvent.Kind.PROGRESS, JobEvent.newBuilder());
  }

  private void onEpochResult(int rank, EpochResult r) {
    if (phase != Phase.TRAINING || r.getEpoch() != epoch || r.getGeneration() != generation) {
      return;
    }
    epochResults.put(rank, r);
    if (epochResults.size() < ring.size()) {
      return;
    }
    ringsWithoutProgress = 0;
    double duration = (services.nanoClock().getAsLong() - epochStartNanos) / 1e9;
    if (!epochRecorded(epoch)) {
      EpochMetrics metrics;
      try {
        metrics = EpochAggregator.combine(epoch, epochResults, validated.train().samples(),
            validated.test().samples(), duration, recoveriesThisEpoch);
      } catch (EpochAggregator.Mismatch e) {
        fail(e.reason, e.getMessage(), DIRECT, true);
        return;
      }
      job.addEpochs(metrics);
      job.setProgress(job.getProgressBuilder().setStep(metrics.getSteps()).setSamples(metrics.getSamples()));
      log.info("job {}: epoch {}/{} train loss {} test loss {} test acc {} ({} s, {} recoveries)", id(), epoch,
          validated.spec().epochs(), metrics.getTrainLoss(), metrics.getTestLoss(), metrics.getTestAccuracy(),
          String.format(Locale.ROOT, "%.1f", duration), recoveriesThisEpoch);
      publish(JobEvent.Kind.EPOCH_FINISHED, JobEvent.newBuilder().setEpoch(metrics));
    }
    startStep = steps(epoch);
    proceed();
  }

  private void onModelSaved(String path) {
    if (phase != Phase.SAVING) {
      return;
    }
    job.setModelPath(path);
    finish(JobState.SUCCEEDED, FailureReason.FAILURE_REASON_UNSPECIFIED, "trained " + validated.spec().epochs() + " epoch(s); model saved to " + path);
  }

  private void onWorkerFailure(int rank, WorkerSession s, io.ringmaster.proto.v1.WorkerFailure f) {
    switch (f.getReason()) {
      case FAILURE_REASON_NON_FINITE -> fail(FailureReason.FAILURE_REASON_NON_FINITE, "training produced NaN or infinite values at " + f.getMessage(), DIRECT, true);
      case FAILURE_REASON_NON_FINITE_ELSEWHERE -> fail(FailureReason.FAILURE_REASON_NON_FINITE, "training produced NaN or infinite values at "
          + f.getMessage(), PEER_REPORT, false);
      case FAILURE_REASON_COLLECTIVE_ERROR, FAILURE_REASON_IO_ERROR -> startPause("rank " + rank + " could not join the ring: " + f.getMessage());
      default -> fail(f.getReason() == FailureReason.FAILURE_REASON_UNSPECIFIED
          || f.getReason() == FailureReason.UNRECOGNIZED ? FailureReason.FAILURE_REASON_INTERNAL : f.getReason(),
          "rank " + rank + " (" + describe(s) + ") failed" + where() + ": " + f.getMessage(), DIRECT, true);
    }
  }

  private void onStall(int rank, StallReport report) {
    if (phase != Phase.TRAINING || report.getGeneration() != generation) {
      return;
    }
    StallInspector.Verdict v = stalls.report(rank, report, ring.size(),
        java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(services.nanoClock().getAsLong()));
    if (v == null) {
      return;
    }
    String named = v.culprits().stream().map(r -> "rank " + r + " (" + describe(ring.get(r)) + ")")
        .collect(Collectors.joining(", "));
    String text = "stall: step " + v.step() + " of epoch " + report.getEpoch() + " has waited "
        + String.format(Locale.ROOT, "%.1f", v.waitedMs() / 1000.0) + " s for " + named
        + (v.waiting().isEmpty() ? "" : "; waiting: ranks " + v.waiting());
    if (!stallNamed.containsAll(v.culprits()) || v.evict()) {
      stallNamed.addAll(v.culprits());
      log.warn("job {}: {}", id(), text);
      job.setMessage(text);
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text));
    }
    if (v.evict()) {
      for (int r : v.culprits()) {
        WorkerSession w = ring.get(r);
        services.evict(id(), w);
        workerLost(w, "evicted by the stall inspector: step " + v.step() + " of epoch " + report.getEpoch()
            + " waited " + String.format(Locale.ROOT, "%.1f", v.waitedMs() / 1000.0)
            + " s for it (faultTolerance.stallTimeoutS = " + ft.stallTimeoutS() + ")", null);
      }
    }
  }

  // ---------------------------------------------------------------- losing workers, pausing, re-forming

  private void doWorkerExited(WorkerExit exit) {
    exitsByPid.put(exit.pid(), exit);
    if (phase == Phase.DONE) {
      return;
    }
    WorkerSession s = sessionOfPid(exit.pid());
    if (s != null) {
      workerLost(s, exitDetail(exit), exit);
      return;
    }
    if (attachedPids.contains(exit.pid())) {
      return; // a worker already handled as lost (or released) has now exited too
    }
    // a launched worker died before attaching
    if (launchesPending > 0) {
      launchesPending--;
    }
    departed.add(WorkerStatus.newBuilder().setRank(-1).setPid(exit.pid()).setState(WorkerState.WORKER_LOST)
        .setExitCode(exit.exitCode()).setLogPath(exit.logPath().toString())
        .setMessage("exited before attaching: " + exit.describeExit()).build());
    String what = "worker slot " + exit.slot() + " (pid " + exit.pid() + ") died before attaching: "
        + exitDetail(exit);
    if (!replaceLost(what)) {
      fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; no replacement allowed (faultTolerance.maxReplacements = "
          + ft.maxReplacements() + ", " + replacementsStarted + " started)", DIRECT, true);
    }
  }

  private WorkerSession sessionOfPid(long pid) {
    for (WorkerSession w : ring) {
      if (w.pid() == pid && !lost.contains(w.workerId())) {
        return w;
      }
    }
    for (WorkerSession w : joiners) {
      if (w.pid() == pid) {
        return w;
      }
    }
    return null;
  }

  /**
   * A worker is gone for good. A joiner is just dropped (and replaced if allowed); a ring member makes
   * the ring pause and re-form, or fails the job when it cannot go on.
   */
  private void workerLost(WorkerSession s, String detail, WorkerExit exit) {
    if (phase == Phase.DONE) {
      return;
    }
    int rank = ring.indexOf(s);
    boolean member = rank >= 0 && !lost.contains(s.workerId());
    boolean joiner = joiners.remove(s);
    if (!member && !joiner) {
      return;
    }
    WorkerStatus.Builder gone = status(rank, s).setState(WorkerState.WORKER_LOST).setMessage(detail);
    if (exit != null) {
      gone.setExitCode(exit.exitCode()).setLogPath(exit.logPath().toString());
    }
    departed.add(gone.build());
    String who = (member ? "rank " + rank : "joining worker") + " (" + describe(s) + ")";
    String what = who + " lost" + where() + ": " + detail;
    log.warn("job {}: {}", id(), what);
    if (member) {
      lost.add(s.workerId());
      paused.remove(s.workerId());
      setWorkerState(rank, WorkerState.WORKER_LOST, detail);
    }
    rebuildWorkerStatuses();
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder().setNotice(what));
    if (!member) {
      boolean coming = replaceLost(what);
      if (phase == Phase.WAITING_FOR_WORKERS && !coming) {
        if (joiners.size() >= ft.minWorkers() && !joiners.isEmpty()) {
          formRing(RecoveryPlan.plan(List.of(), ids(joiners), resumeCheckpoint, ft.maxWorkers()));
        } else {
          fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; cannot start " + workers() + " worker(s) and no replacement is allowed",
              DIRECT, true);
        }
      }
      return;
    }
    boolean canContinue = replaceLost(what) || liveMembers().size() + joiners.size() >= ft.minWorkers();
    if (!canContinue) {
      fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; " + liveMembers().size() + " worker(s) left, fewer than "
          + "faultTolerance.minWorkers = " + ft.minWorkers() + ", and no replacement can be started", DIRECT, true);
      return;
    }
    switch (phase) {
      case TRAINING, PREPARING, SAVING -> startPause(what);
      case PAUSING, WAITING_FOR_REPLACEMENTS -> maybeFinishPause();
      default -> { }
    }
  }

  /**
   * Starts replacements for missing workers (or opens slots for free ones) if the scheduler and the budget
   * allow; true if any is coming.
   */
  private boolean replaceLost(String why) {
    boolean launches = services.scheduler().launchesWorkers();
    int have = liveMembers().size() + joiners.size() + (launches ? launchesPending : freeSlots.get());
    int want = Math.min(workers(), ft.maxWorkers()) - have;
    int allowed = ft.maxReplacements() - replacementsStarted;
    int n = Math.min(want, allowed);
    if (n > 0) {
      replacementsStarted += n;
      job.setReplacements(replacementsStarted);
      if (launches) {
        log.info("job {}: starting {} replacement worker(s) ({} of {} allowed)", id(), n, replacementsStarted,
            ft.maxReplacements());
        if (!launch(n)) {
          return false;
        }
      } else {
        // workers started by hand: open slots that the manager fills from its free workers (now, or when
        // one attaches); the replacement timeout bounds the wait below minWorkers
        freeSlots.addAndGet(n);
        log.info("job {}: {} slot(s) open for free workers ({} of {} replacements allowed)", id(), n,
            replacementsStarted, ft.maxReplacements());
      }
    }
    return launches ? launchesPending > 0 : freeSlots.get() > 0;
  }

  private List<WorkerSession> liveMembers() {
    return ring.stream().filter(w -> !lost.contains(w.workerId())).toList();
  }

  private void startPause(String reason) {
    if (phase == Phase.PAUSING || phase == Phase.WAITING_FOR_REPLACEMENTS || phase == Phase.DONE
        || phase == Phase.WAITING_FOR_WORKERS) {
      return;
    }
    if (phase == Phase.SAVING) {
      pendingSave = true;
    }
    phase = Phase.PAUSING;
    JobState now = JobState.fromProto(job.getState());
    if (now != JobState.RECOVERING) {
      moveTo(JobState.RECOVERING, "re-forming the ring: " + reason);
    } else {
      job.setMessage("re-forming the ring: " + reason);
    }
    for (WorkerSession w : liveMembers()) {
      if (!paused.containsKey(w.workerId())) {
        w.send(CoordinatorMessage.newBuilder().setPause(Pause.newBuilder().setJobId(id())
            .setGeneration(generation).setReason(reason)).build());
      }
    }
    long timeout = Math.max(10_000, (long) (2_000 * ft.workerTimeoutS()));
    cancel(pauseTimer);
    pauseTimer = services.timers().schedule(() -> run(this::pauseTimedOut), timeout, TimeUnit.MILLISECONDS);
    maybeFinishPause();
  }

  private void pauseTimedOut() {
    if (phase != Phase.PAUSING) {
      return;
    }
    for (WorkerSession w : List.copyOf(liveMembers())) {
      if (!paused.containsKey(w.workerId())) {
        services.evict(id(), w);
        workerLost(w, "did not stop at a step boundary within the pause timeout; evicted", null);
      }
    }
  }

  private void onPaused(WorkerSession s, Paused p) {
    if (p.getGeneration() != generation || lost.contains(s.workerId())) {
      return;
    }
    paused.put(s.workerId(), p);
    switch (phase) {
      case TRAINING, PREPARING, SAVING -> startPause("rank " + ring.indexOf(s) + " stopped: " + p.getReason());
      case PAUSING, WAITING_FOR_REPLACEMENTS -> maybeFinishPause();
      default -> { }
    }
  }

  private void maybeFinishPause() {
    if (phase != Phase.PAUSING && phase != Phase.WAITING_FOR_REPLACEMENTS) {
      return;
    }
    List<WorkerSession> live = liveMembers();
    for (WorkerSession w : live) {
      if (!paused.containsKey(w.workerId())) {
        return; // still waiting for some cursors
      }
    }
    cancel(pauseTimer);
    int available = Math.min(live.size() + joiners.size(), ft.maxWorkers());
    if (available >= ft.minWorkers() && available > 0) {
      List<RecoveryPlan.Survivor> survivors = new ArrayList<>();
      List<String> stateless = new ArrayList<>();
      for (WorkerSession w : live) {
        Paused p = paused.get(w.workerId());
        if (p.getHoldsState()) {
          survivors.add(new RecoveryPlan.Survivor(w.workerId(), p));
        } else {
          stateless.add(w.workerId()); // e.g. a joiner whose state transfer failed: it joins again
        }
      }
      stateless.addAll(ids(joiners));
      if (survivors.isEmpty() && latestCheckpointCursor() == null
          && (epoch > 1 || startStep > 0 || job.getEpochsCount() > 0)) {
        fail(FailureReason.FAILURE_REASON_STATE_LOST, "every worker holding the model was lost and no checkpoint exists yet", DIRECT, true);
        return;
      }
      RecoveryPlan.CheckpointCursor ckpt = survivors.isEmpty() ? latestCheckpointCursor() : null;
      formRing(RecoveryPlan.plan(survivors, stateless, ckpt, ft.maxWorkers()));
      return;
    }
    if (phase != Phase.WAITING_FOR_REPLACEMENTS) {
      phase = Phase.WAITING_FOR_REPLACEMENTS;
      String text = "waiting up to " + ft.replacementTimeoutS() + " s for replacements: " + available
          + " worker(s) alive, faultTolerance.minWorkers = " + ft.minWorkers();
      job.setMessage(text);
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text));
      cancel(replacementTimer);
      replacementTimer = services.timers().schedule(() -> run(this::replacementsTimedOut),
          ft.replacementTimeoutS(), TimeUnit.SECONDS);
    }
  }

  private RecoveryPlan.CheckpointCursor latestCheckpointCursor() {
    CheckpointRef ref = job.hasLatestCheckpoint() && !job.getLatestCheckpoint().getId().isEmpty()
        ? job.getLatestCheckpoint() : null;
    if (ref == null) {
      return resumeCheckpoint;
    }
    return new RecoveryPlan.CheckpointCursor(ref, ref.getEpoch(), ref.getStep());
  }

  private void replacementsTimedOut() {
    if (phase != Phase.WAITING_FOR_REPLACEMENTS) {
      return;
    }
    int available = liveMembers().size() + joiners.size();
    fail(FailureReason.FAILURE_REASON_NOT_ENOUGH_WORKERS, "only " + available + " worker(s) alive, fewer than faultTolerance.minWorkers = "
        + ft.minWorkers() + ", and no replacement arrived within " + ft.replacementTimeoutS() + " s; lost: "
        + departed.stream().map(d -> (d.getRank() >= 0 ? "rank " + d.getRank() : "a worker") + " (pid "
        + d.getPid() + "): " + d.getMessage()).collect(Collectors.joining("; ")), DIRECT, true);
  }

  // ---------------------------------------------------------------- failure and completion

  /**
   * Fails the job now ({@code immediate}) or after the grace period, keeping the best explanation.
   */
  private void fail(FailureReason reason, String message, int evidence, boolean immediate) {
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

  private void finish(JobState state, FailureReason reason, String message) {
    phase = Phase.DONE;
    cancel(startTimer);
    cancel(failureTimer);
    cancel(pauseTimer);
    cancel(replacementTimer);
    boolean shutdown = services.scheduler().launchesWorkers();
    List<WorkerSession> everyone = new ArrayList<>(liveMembers());
    everyone.addAll(joiners);
    for (WorkerSession w : everyone) {
      w.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
          .setReason(state.name().toLowerCase(Locale.ROOT)).setShutdown(shutdown)).build());
    }
    for (int r = 0; r < ring.size(); r++) {
      if (job.getWorkersCount() > r && job.getWorkers(r).getState() != WorkerState.WORKER_LOST) {
        setWorkerState(r, WorkerState.WORKER_EXITED, "");
      }
    }
    job.setReason(reason);
    job.setFinishedAtMs(services.wallClock().getAsLong());
    moveTo(state, message);
    log.info("job {}: {} {}", id(), state, message);
    services.jobFinished(this, shutdown ? List.of() : everyone);
    thread.shutdown();
  }

  // ---------------------------------------------------------------- helpers

  private void moveTo(JobState next, String message) {
    JobState now = JobState.fromProto(job.getState());
    if (now == next) {
      job.setMessage(message);
      publish(JobEvent.Kind.STATE_CHANGED, JobEvent.newBuilder());
      return;
    }
    if (!now.canMoveTo(next)) {
      throw new IllegalStateException("job " + id() + ": " + now + " -> " + next + " is not allowed");
    }
    job.setState(next.toProto()).setMessage(message);
    publish(JobEvent.Kind.STATE_CHANGED, JobEvent.newBuilder());
  }

  /** job.workers = the ring by rank (live or lost), then joiners, then workers that left earlier. */
  private void rebuildWorkerStatuses() {
    Map<String, WorkerStatus> previous = new HashMap<>();
    for (WorkerStatus w : job.getWorkersList()) {
      previous.put(w.getWorkerId(), w);
    }
    job.clearWorkers();
    for (int r = 0; r < ring.size(); r++) {
      WorkerSession w = ring.get(r);
      WorkerStatus old = previous.get(w.workerId());
      WorkerStatus.Builder b = status(r, w);
      if (old != null) {
        b.setState(old.getState()).setMessage(old.getMessage());
        if (old.hasExitCode()) {
          b.setExitCode(old.getExitCode());
        }
      }
      if (lost.contains(w.workerId())) {
        int rank = r;
        b = departed.stream().filter(d -> d.getWorkerId().equals(w.workerId())).reduce((x, y) -> y)
            .map(d -> d.toBuilder().setRank(rank)).orElse(b.setState(WorkerState.WORKER_LOST));
      }
      job.addWorkers(b);
    }
    for (WorkerSession w : joiners) {
      job.addWorkers(status(-1, w).setMessage("joining"));
    }
    Set<String> shown = job.getWorkersList().stream().map(WorkerStatus::getWorkerId).collect(Collectors.toSet());
    for (WorkerStatus d : departed) {
      if (d.getWorkerId().isEmpty() || !shown.contains(d.getWorkerId())) {
        job.addWorkers(d);
      }
    }
  }

  private static WorkerStatus.Builder status(int rank, WorkerSession s) {
    return WorkerStatus.newBuilder().setRank(rank).setWorkerId(s.workerId()).setHost(s.host())
        .setPort(s.port()).setPid(s.pid()).setState(WorkerState.WORKER_LAUNCHING).setLogPath(s.logPath());
  }

  private void setWorkerState(int rank, WorkerState state, String message) {
    for (int i = 0; i < job.getWorkersCount(); i++) {
      if (job.getWorkers(i).getRank() == rank && job.getWorkers(i).getWorkerId().equals(ring.get(rank).workerId())) {
        job.getWorkersBuilder(i).setState(state).setMessage(message);
        return;
      }
    }
  }

  private void publish(JobEvent.Kind kind, JobEvent.Builder extra) {
    if (!extra.getNotice().isEmpty()) {
      job.addNotices(java.time.Instant.ofEpochMilli(services.wallClock().getAsLong()) + " " + extra.getNotice());
      if (job.getNoticesCount() > 50) {
        List<String> keep = new ArrayList<>(job.getNoticesList().subList(job.getNoticesCount() - 50,
            job.getNoticesCount()));
        job.clearNotices().addAllNotices(keep);
      }
    }
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
    return switch (phase) {
      case TRAINING -> {
        long step = progress.values().stream().mapToLong(StepProgress::getSteps).max().orElse(startStep);
        yield " during epoch " + epoch + " (step " + step + " of " + steps(epoch) + ")";
      }
      case SAVING -> " while saving the model";
      case PAUSING, WAITING_FOR_REPLACEMENTS -> " while the ring was re-forming";
      default -> " while the job was starting";
    };
  }

  private static List<String> ids(List<WorkerSession> ws) {
    return ws.stream().map(WorkerSession::workerId).toList();
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

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private void run(Runnable r) {
    try {
      thread.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.error("job {}: internal error", id(), e);
          if (phase != Phase.DONE) {
            pendingFailure = new PendingFailure(FailureReason.FAILURE_REASON_INTERNAL, "coordinator error: " + e, DIRECT);
            finishFailed();
          }
        }
      });
    } catch (RejectedExecutionException e) {
      // the job is finished; late events are irrelevant
    }
  }
}
