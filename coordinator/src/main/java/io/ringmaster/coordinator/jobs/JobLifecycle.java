package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.jobs.JobAction.CancelTimer;
import io.ringmaster.coordinator.jobs.JobAction.Evict;
import io.ringmaster.coordinator.jobs.JobAction.Finished;
import io.ringmaster.coordinator.jobs.JobAction.Launch;
import io.ringmaster.coordinator.jobs.JobAction.Publish;
import io.ringmaster.coordinator.jobs.JobAction.ReleaseUnneeded;
import io.ringmaster.coordinator.jobs.JobAction.Send;
import io.ringmaster.coordinator.jobs.JobAction.StartTimer;
import io.ringmaster.coordinator.jobs.JobAction.Store;
import io.ringmaster.coordinator.jobs.JobAction.Suspended;
import io.ringmaster.coordinator.jobs.JobTimer.Kind;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.job.FailureReasons;
import io.ringmaster.job.JobState;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.EpochClock;
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
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerMessage;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one job as a state machine: {@link JobInput events} in, {@link JobAction actions} out, no
 * I/O (time comes from the injected clocks). The {@link JobDriver} feeds it events on the job's single
 * thread and carries out the actions it returns.
 *
 * <h2>Phases</h2>
 * <pre>
 *  NEW ─Start─▶ WAITING_FOR_WORKERS ─all attached─▶ PREPARING ─all Ready─▶ TRAINING ─last epoch─▶ SAVING ─ModelSaved─▶ DONE
 *                                                    ▲   ▲   │              │   ▲ │                  │      (SUCCEEDED)
 *                                                    │   │   │              │   └─┘ EpochResult from │
 *                                                    │   │   │              │       all: next epoch  │
 *                                                    │   │   └──────────────┴────────────┬───────────┘
 *                                                    │   │     member lost, Paused,      │
 *                                                    │   │     no-progress watchdog,     │
 *                                                    │   │     joiner, ring error,       ▼
 *                                                    │   └──────── all Paused ────── PAUSING
 *                                                    │                                   │ fewer than minWorkers
 *                                                    └────────── enough joined ───── WAITING_FOR_REPLACEMENTS ─timeout─▶ DONE
 *                                                                                                                  (FAILED)
 *  PREPARING ─all Ready─▶ SAVING when a save was pending (a member was lost while saving).
 *  any phase ─fail / Cancel─▶ DONE (FAILED / CANCELLED);   any phase ─Suspend─▶ DONE (public state kept)
 *  WAITING_FOR_WORKERS ─GangReleased─▶ DONE (public state QUEUED: the manager queues the job again)
 * </pre>
 * The public {@link JobState} in each phase: NEW = QUEUED; WAITING_FOR_WORKERS = STARTING (RECOVERING
 * when resumed after a coordinator restart); PREPARING = STARTING for the first ring, RECOVERING for a
 * re-formed one, RUNNING once every member is Ready; TRAINING and SAVING = RUNNING; PAUSING and
 * WAITING_FOR_REPLACEMENTS = RECOVERING; DONE = SUCCEEDED, FAILED or CANCELLED (after Suspend the state
 * is left as it was, for the restarted coordinator to resume). The legal moves are
 * {@link #TRANSITIONS}; {@link #enter(Phase)} refuses any other.
 *
 * <table>
 *   <caption>Per phase: what it waits for, what moves it on, which timers run</caption>
 *   <tr><th>Phase</th><th>Waits for</th><th>Moves on when</th><th>Timers</th></tr>
 *   <tr><td>WAITING_FOR_WORKERS</td><td>{@code spec.workers} workers to attach (launched by the
 *       scheduler, or free workers handed over)</td><td>all attached: the first ring is formed
 *       (PREPARING); a launched worker dies before attaching: replaced if allowed, else FAILED; the
 *       scheduler cannot place the gang (GangReleased): QUEUED again</td>
 *       <td>START</td></tr>
 *   <tr><td>PREPARING</td><td>Ready of the current generation from every member</td><td>all Ready:
 *       TRAINING (or SAVING, or PAUSING when joiners wait); a member lost or Paused: PAUSING</td>
 *       <td>START (first ring), NO_PROGRESS</td></tr>
 *   <tr><td>TRAINING</td><td>StepProgress, then EpochResult from every member</td><td>all results: next
 *       epoch (TRAINING) or SAVING; member lost, Paused, a joiner, a ring error: PAUSING</td>
 *       <td>NO_PROGRESS</td></tr>
 *   <tr><td>PAUSING</td><td>Paused (the cursor) from every live member</td><td>all answered: ring of
 *       the next generation (PREPARING), or WAITING_FOR_REPLACEMENTS below minWorkers</td>
 *       <td>PAUSE (the silent are evicted)</td></tr>
 *   <tr><td>WAITING_FOR_REPLACEMENTS</td><td>joiners until minWorkers are available</td><td>enough:
 *       PREPARING; timeout: FAILED (NOT_ENOUGH_WORKERS)</td><td>REPLACEMENT</td></tr>
 *   <tr><td>SAVING</td><td>ModelSaved from rank 0</td><td>saved: DONE (SUCCEEDED); a member lost:
 *       PAUSING, then saving again</td><td>NO_PROGRESS</td></tr>
 * </table>
 * In every phase: FAILURE_GRACE (a peer's report of a non-finite value waits for the real cause) and
 * EXIT_GRACE per worker (a stream that ended waits for the process's exit code).
 *
 * <h2>Never RUNNING silently</h2>
 * While the job waits for Ready, EpochResult or ModelSaved, the {@link ProgressWatchdog} reads every
 * member's heartbeat activity: when all of them say they run no command for this ring for
 * {@code JobSettings.idleHeartbeats} heartbeats, the ring is paused and re-formed (with a NOTICE naming
 * what was awaited); after {@code JobSettings.maxIdleRecoveries} such recoveries without progress, or
 * when no progress message at all arrived for {@code JobSettings.noProgressTimeout}, the job fails with
 * {@code FAILURE_REASON_NO_PROGRESS}. Rings re-formed {@value #MAX_RINGS_WITHOUT_PROGRESS} times
 * without a completed step fail the job with {@code FAILURE_REASON_RECOVERY_FAILED}.
 *
 * <h2>Elastic recovery</h2>
 * When a ring member is lost (its stream ends, its process exits, it stops sending heartbeats, or the
 * stall inspector evicts it), or a replacement attaches, the ring pauses: every remaining member stops at
 * a step boundary and answers with its cursor. With at least {@code faultTolerance.minWorkers} members
 * (survivors plus joiners) a ring of the next generation is formed ({@link RecoveryPlan}): training
 * resumes at the most advanced survivor's cursor, members behind it and joiners fetch the replica from
 * it, and the rest of the epoch's steps are split over the new ring ({@link ShardPlan}), so every sample
 * is still used exactly once in the epoch. With fewer it waits for replacements up to
 * {@code faultTolerance.replacementTimeoutS}, then fails. When every holder of the state was lost the
 * ring resumes from the newest checkpoint, with a NOTICE saying which work is redone. A coordinator
 * restart resumes the job the same way from its newest valid checkpoint.
 */
final class JobLifecycle {
  private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);
  private static final long PROGRESS_PUBLISH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** Rings formed since a step last completed: bounds a recovery that keeps failing. */
  static final int MAX_RINGS_WITHOUT_PROGRESS = 10;

  enum Phase {
    NEW, WAITING_FOR_WORKERS, PREPARING, TRAINING, PAUSING, WAITING_FOR_REPLACEMENTS, SAVING, DONE
  }

  /** The transition table: from each phase, the phases it may move to. */
  static final Map<Phase, Set<Phase>> TRANSITIONS = transitions();

  private static Map<Phase, Set<Phase>> transitions() {
    Map<Phase, Set<Phase>> t = new EnumMap<>(Phase.class);
    t.put(Phase.NEW, EnumSet.of(Phase.WAITING_FOR_WORKERS, Phase.DONE));
    t.put(Phase.WAITING_FOR_WORKERS, EnumSet.of(Phase.PREPARING, Phase.DONE));
    t.put(Phase.PREPARING, EnumSet.of(Phase.TRAINING, Phase.SAVING, Phase.PAUSING, Phase.DONE));
    t.put(Phase.TRAINING, EnumSet.of(Phase.TRAINING, Phase.SAVING, Phase.PAUSING, Phase.DONE));
    t.put(Phase.PAUSING, EnumSet.of(Phase.PREPARING, Phase.WAITING_FOR_REPLACEMENTS, Phase.DONE));
    t.put(Phase.WAITING_FOR_REPLACEMENTS, EnumSet.of(Phase.PREPARING, Phase.DONE));
    t.put(Phase.SAVING, EnumSet.of(Phase.PAUSING, Phase.DONE));
    t.put(Phase.DONE, EnumSet.noneOf(Phase.class));
    return java.util.Collections.unmodifiableMap(t);
  }

  /** How much a failure report tells about the cause; a better one replaces a worse one. */
  private static final int PEER_REPORT = 0;
  private static final int DIRECT = 2;

  /** A reason to fail that may still be replaced by better evidence during the grace period. */
  private record PendingFailure(FailureReason reason, String message, int evidence) {}

  /** An epoch and completed steps of it, ordered. */
  private record Cursor(int epoch, long step) implements Comparable<Cursor> {
    @Override
    public int compareTo(Cursor o) {
      return epoch != o.epoch ? Integer.compare(epoch, o.epoch) : Long.compare(step, o.step);
    }
  }

  private final ValidatedJob validated;
  private final io.ringmaster.proto.v1.JobSpec specProto;
  private final FaultToleranceSpec ft;
  private final Path jobDir;
  private final boolean launchesWorkers;
  private final JobSettings settings;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClock;
  private final Job.Builder job;
  private final AtomicInteger freeSlots = new AtomicInteger();
  private final boolean resuming;
  private volatile Job current;
  private Provenance provenance = Provenance.getDefaultInstance();

  private Phase phase = Phase.NEW;
  private final JobRoster roster = new JobRoster();
  private final Map<Long, WorkerExit> exitsByPid = new HashMap<>();
  /** Every worker process that ever attached to this job. */
  private final Set<Long> attachedPids = new HashSet<>();
  /** Why each worker whose stream ended left, while its exit code is awaited. */
  private final Map<WorkerRef, String> detachedWhy = new HashMap<>();
  private long generation;
  private int ringsWithoutProgress;
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
  /** The most advanced cursor any worker reported: what is lost when the ring resumes from a checkpoint. */
  private Cursor furthest;

  private final ProgressWatchdog watchdog;
  /** When the current phase began: heartbeats received before it are not counted by the watchdog. */
  private long expectingSinceNanos = Long.MIN_VALUE;
  private int idleRecoveries;

  private int launchesPending;
  private int nextSlot;
  private int replacementsStarted;
  private RecoveryPlan.CheckpointCursor resumeCheckpoint;

  private PendingFailure pendingFailure;
  private final Map<JobTimer, Long> timers = new HashMap<>();
  private long timerTokens;
  private List<JobAction> out = new ArrayList<>();

  /**
   * @param stored the job as stored (QUEUED, or its last state before a coordinator restart)
   * @param specProto {@code validated.spec()} as sent to workers in Assign
   * @param resuming the job is resumed after a coordinator restart
   * @param resumeFrom for a resumed job: its newest valid checkpoint (null: start over from epoch 1)
   * @param launchesWorkers the scheduler starts worker processes (else free workers are handed over)
   * @param nanoClock monotonic clock, nanoseconds; {@code wallClock}: Unix epoch milliseconds
   */
  JobLifecycle(Job stored, ValidatedJob validated, io.ringmaster.proto.v1.JobSpec specProto, boolean resuming,
      RecoveryPlan.CheckpointCursor resumeFrom, boolean launchesWorkers, JobSettings settings,
      LongSupplier nanoClock, LongSupplier wallClock) {
    this.validated = validated;
    this.specProto = specProto;
    this.ft = validated.spec().ft();
    this.jobDir = Path.of(stored.getJobDir());
    this.launchesWorkers = launchesWorkers;
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
    this.job = stored.toBuilder();
    this.current = stored;
    this.resuming = resuming;
    this.resumeCheckpoint = resumeFrom;
    this.stalls = new StallInspector((long) (ft.stallWarningS() * 1000), (long) (ft.stallTimeoutS() * 1000));
    this.replacementsStarted = stored.getReplacements();
    this.generation = stored.getGeneration(); // generations keep increasing across coordinator restarts
    this.watchdog = new ProgressWatchdog(settings.idleHeartbeats(), nanoClock.getAsLong());
    if (resuming && stored.hasEpochClock()) {
      // the epoch a coordinator restart interrupted: it began before the restart, and the restart is
      // one more re-formation of its ring (used if the job resumes inside this epoch; see runEpoch)
      EpochClock clock = stored.getEpochClock();
      long elapsedMs = Math.max(0, wallClock.getAsLong() - clock.getStartedAtMs());
      epochStartedFor = clock.getEpoch();
      epochStartNanos = nanoClock.getAsLong() - TimeUnit.MILLISECONDS.toNanos(elapsedMs);
      recoveriesThisEpoch = clock.getRecoveries() + 1;
      job.setEpochClock(clock.toBuilder().setRecoveries(recoveriesThisEpoch));
    }
    if (stored.hasProgress() && stored.getProgress().getEpoch() > 0) {
      furthest = new Cursor(stored.getProgress().getEpoch(), stored.getProgress().getStep());
    }
    if (!launchesWorkers) {
      freeSlots.set(validated.spec().workers());
    }
  }

  String id() {
    return current.getId();
  }

  /** The job as of the last handled event; safe to read from any thread. */
  Job snapshot() {
    return current;
  }

  Phase phase() {
    return phase;
  }

  /** Who is in the job (for tests and the driver's lookups; the job's thread only). */
  JobRoster roster() {
    return roster;
  }

  /**
   * Takes one of the free-worker slots this job still has (external scheduler only). Called by the
   * manager, on its own thread, before it hands over a free worker, so that no more workers are offered
   * than needed.
   */
  boolean claimFreeWorkerSlot() {
    return freeSlots.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** Handles one event; returns what to do, in order. */
  List<JobAction> handle(JobInput input) {
    out = new ArrayList<>();
    try {
      dispatch(input);
    } catch (RuntimeException e) {
      log.error("job {}: internal error handling {}", id(), input.getClass().getSimpleName(), e);
      internalError("coordinator error: " + e);
    }
    List<JobAction> done = out;
    out = new ArrayList<>();
    return done;
  }

  private void dispatch(JobInput input) {
    if (input instanceof JobInput.Start s) {
      onStart(s);
    } else if (input instanceof JobInput.Attached a) {
      onAttached(a.worker());
    } else if (input instanceof JobInput.AttachedGang g) {
      onAttachedGang(g.workers());
    } else if (input instanceof JobInput.Message m) {
      onMessage(m.worker(), m.message());
    } else if (input instanceof JobInput.Activity a) {
      onActivity(a.worker(), a.activity(), a.receivedAtNanos());
    } else if (input instanceof JobInput.Detached d) {
      onDetached(d.worker(), d.why());
    } else if (input instanceof JobInput.Exited e) {
      onExited(e.exit());
    } else if (input instanceof JobInput.Unresponsive u) {
      onUnresponsive(u.worker(), u.silentMillis());
    } else if (input instanceof JobInput.LaunchFailed f) {
      fail(f.reason(), f.message(), DIRECT, true);
    } else if (input instanceof JobInput.GangReleased g) {
      onGangReleased(g.reason());
    } else if (input instanceof JobInput.CheckpointStored c) {
      onCheckpointStored(c.ref());
    } else if (input instanceof JobInput.Notice n) {
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(n.text()));
    } else if (input instanceof JobInput.Cancel c) {
      if (phase != Phase.DONE) {
        finish(JobState.CANCELLED, FailureReason.FAILURE_REASON_UNSPECIFIED, c.why());
      }
    } else if (input instanceof JobInput.Suspend) {
      onSuspend();
    } else if (input instanceof JobInput.TimerFired t) {
      onTimer(t.timer(), t.token());
    } else if (input instanceof JobInput.InternalError e) {
      internalError(e.what());
    } else {
      throw new IllegalArgumentException("unknown event " + input);
    }
  }

  private void internalError(String what) {
    if (phase != Phase.DONE) {
      pendingFailure = new PendingFailure(FailureReason.FAILURE_REASON_INTERNAL, what, DIRECT);
      finishFailed();
    }
  }

  // ---------------------------------------------------------------- start and ring formation

  private void onStart(JobInput.Start s) {
    this.provenance = s.provenance();
    if (s.setupError() != null) {
      fail(FailureReason.FAILURE_REASON_INTERNAL, s.setupError(), DIRECT, true);
      return;
    }
    nextSlot = s.existingWorkerLogs();
    if (job.getStartedAtMs() == 0) {
      job.setStartedAtMs(wallClock.getAsLong());
    }
    if (resuming) {
      job.setCoordinatorRestarts(job.getCoordinatorRestarts() + 1);
      moveTo(JobState.RECOVERING, "coordinator restarted: resuming "
          + (resumeCheckpoint == null ? "from the start (no checkpoint)" : "from checkpoint "
          + resumeCheckpoint.ref().getId()) + " with " + workers() + " new worker(s)");
    } else {
      moveTo(JobState.STARTING, "waiting for " + workers() + " worker(s)");
    }
    enter(Phase.WAITING_FOR_WORKERS);
    // bounds the start for both kinds of scheduler: launched workers must attach and get ready, and a
    // handed-over gang that lost a member before its first ring must not hold the others for ever
    startTimer(JobTimer.of(Kind.START), settings.workerStartTimeout().toMillis());
    if (launchesWorkers) {
      launch(workers());
    } else {
      formFirstRingIfComplete(); // free workers may have been handed over before the start ran
    }
  }

  private void formFirstRingIfComplete() {
    if (roster.joinerCount() == workers()) {
      formRing(RecoveryPlan.plan(List.of(), ids(roster.joiners()), resumeCheckpoint, ft.maxWorkers()));
    }
  }

  private void launch(int count) {
    out.add(new Launch(nextSlot, count));
    nextSlot += count;
    launchesPending += count;
  }

  private void startTimedOut() {
    if (phase == Phase.WAITING_FOR_WORKERS || phase == Phase.PREPARING) {
      fail(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT, "only " + (phase == Phase.PREPARING
          ? ready.size() + " of " + roster.ranks() + " workers became ready"
          : roster.joinerCount() + " of " + workers() + " workers attached")
          + " within " + settings.workerStartTimeout().toSeconds() + " s; see the logs in "
          + jobDir.resolve("logs"), DIRECT, true);
    }
  }

  private void onAttached(WorkerRef s) {
    if (takeJoiner(s)) {
      rebuildWorkerStatuses();
      publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
      joined("worker " + s.describe());
    }
  }

  /**
   * A gang handed over at once: each worker is taken as by {@link #onAttached}, but the worker list is
   * rebuilt and published once. One event per worker stored the whole (growing) job every time: with a
   * thousand workers, a thousand durable writes of up to a thousand worker statuses each before the ring
   * could form.
   */
  private void onAttachedGang(List<WorkerRef> gang) {
    int taken = 0;
    for (WorkerRef s : gang) {
      if (takeJoiner(s)) {
        taken++;
      }
    }
    if (taken > 0) {
      rebuildWorkerStatuses();
      publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
      joined(taken == 1 ? "worker " + gang.get(0).describe() : taken + " workers");
    }
  }

  /** Records an attached worker and makes it a joiner, or releases it when the job cannot take it. */
  private boolean takeJoiner(WorkerRef s) {
    attachedPids.add(s.pid());
    if (s.slot() >= 0) {
      attachedPids.add(slotKey(s.slot()));
    }
    if (s.slot() >= 0 && launchesPending > 0) {
      launchesPending--;
    }
    if (phase == Phase.DONE || phase == Phase.SAVING
        || roster.ringSize() + roster.joinerCount() >= ft.maxWorkers()) {
      out.add(new ReleaseUnneeded(s));
      return false;
    }
    roster.addJoiner(s);
    return true;
  }

  /** After workers became joiners: what their arrival changes in the current phase. */
  private void joined(String who) {
    switch (phase) {
      case WAITING_FOR_WORKERS -> formFirstRingIfComplete();
      case TRAINING -> startPause(who + " joins at the next step boundary");
      case WAITING_FOR_REPLACEMENTS -> maybeFinishPause();
      default -> { /* taken in at the next ring formation */ }
    }
  }

  private void formRing(RecoveryPlan plan) {
    cancelTimer(JobTimer.of(Kind.REPLACEMENT));
    if (++ringsWithoutProgress > MAX_RINGS_WITHOUT_PROGRESS) {
      fail(FailureReason.FAILURE_REASON_RECOVERY_FAILED, "the ring was re-formed " + MAX_RINGS_WITHOUT_PROGRESS
          + " times in a row without completing a step; last reason: " + job.getMessage(), DIRECT, true);
      return;
    }
    Map<String, WorkerRef> byId = roster.candidatesById();
    boolean firstRing = roster.ranks() == 0;
    generation++;
    enter(Phase.PREPARING);
    ready.clear();
    paused.clear();
    stalls.reset();
    stallNamed.clear();
    List<WorkerRef> next = new ArrayList<>();
    for (RecoveryPlan.Member m : plan.members()) {
      next.add(byId.get(m.workerId()));
    }
    Set<WorkerRef> taken = new HashSet<>(next);
    for (WorkerRef w : byId.values()) {
      if (!taken.contains(w)) {
        out.add(new ReleaseUnneeded(w)); // anyone not taken (over maxWorkers) goes
      }
    }
    roster.formRing(next);
    epoch = plan.epoch();
    startStep = plan.step();
    if (!firstRing && epochStartedFor == epoch) {
      recoveriesThisEpoch++;
      job.setEpochClock(job.getEpochClockBuilder().setRecoveries(recoveriesThisEpoch));
    }
    Membership.Builder membership = Membership.newBuilder().setGeneration(generation);
    for (int r = 0; r < next.size(); r++) {
      WorkerRef w = next.get(r);
      membership.addPeers(Peer.newBuilder().setRank(r).setWorkerId(w.workerId()).setHost(w.host()).setPort(w.port()));
    }
    for (RecoveryPlan.Member m : plan.members()) {
      send(roster.member(m.rank()), CoordinatorMessage.newBuilder().setAssign(Assign.newBuilder()
          .setJobId(id())
          .setSpec(specProto)
          .setTrain(validated.train().toProto())
          .setTest(validated.test().toProto())
          .setMembership(membership.setRank(m.rank()))
          .setJobDir(jobDir.toString())
          .setResume(m.resume())
          .setProvenance(provenance)).build());
    }
    job.setGeneration(generation);
    rebuildWorkerStatuses();
    for (int r = 0; r < next.size(); r++) {
      setWorkerState(r, WorkerState.WORKER_PREPARING, "");
    }
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    String how = plan.members().stream().map(m -> "rank " + m.rank() + " " + describeResume(m))
        .collect(Collectors.joining(", "));
    log.info("job {}: ring generation {} with {} rank(s) at epoch {} step {}: {}", id(), generation, next.size(),
        epoch, startStep, how);
    if (!firstRing || resuming) {
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice("ring generation " + generation + ": "
          + next.size() + " worker(s), resuming at epoch " + epoch + " step " + startStep));
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

  private void onMessage(WorkerRef s, WorkerMessage m) {
    int rank = roster.rankOf(s);
    if (phase == Phase.DONE) {
      return;
    }
    if (rank < 0) {
      if (m.hasFailure() && roster.isJoiner(s)) {
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
    watchdog.progressed(nanoClock.getAsLong());
    ready.add(rank);
    setWorkerState(rank, WorkerState.WORKER_ACTIVE, "");
    if (ready.size() < roster.ranks()) {
      return;
    }
    cancelTimer(JobTimer.of(Kind.START));
    if (JobState.fromProto(job.getState()) != JobState.RUNNING) {
      moveTo(JobState.RUNNING, "training on " + roster.ringSize() + " worker(s)");
    } else {
      publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder());
    }
    if (roster.joinerCount() > 0 && roster.ranks() < ft.maxWorkers()) {
      startPause(roster.joinerCount() + " worker(s) waiting to join");
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
    enter(Phase.TRAINING);
    if (epochStartedFor != epoch) {
      epochStartedFor = epoch;
      epochStartNanos = nanoClock.getAsLong();
      recoveriesThisEpoch = 0;
      // stored now, so that a coordinator restarted during the epoch still knows when it began
      job.setEpochClock(EpochClock.newBuilder().setEpoch(epoch).setStartedAtMs(wallClock.getAsLong()));
      current = job.build();
      out.add(new Store(current));
    }
    epochResults.clear();
    progress.clear();
    stalls.reset();
    stallNamed.clear();
    rateSamples = 0;
    rateNanos = nanoClock.getAsLong();
    recentRate = 0;
    job.setProgress(Progress.newBuilder().setEpoch(epoch).setStep(startStep).setStepsInEpoch(steps(epoch)));
    for (WorkerRef w : roster.ring()) {
      send(w, CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder()
          .setJobId(id()).setEpoch(epoch).setGeneration(generation).setStartStep(startStep)).build());
    }
    publish(JobEvent.Kind.PROGRESS, JobEvent.newBuilder());
  }

  private void save() {
    pendingSave = true;
    enter(Phase.SAVING);
    SaveModel.Builder cmd = SaveModel.newBuilder().setJobId(id()).setPath(jobDir.resolve("model.zip").toString());
    if (job.getEpochsCount() > 0) {
      cmd.setFinalMetrics(job.getEpochs(job.getEpochsCount() - 1));
    }
    send(roster.member(0), CoordinatorMessage.newBuilder().setSaveModel(cmd).build());
  }

  /**
   * Steps of epoch {@code e}: the same for every epoch (ceil(samples / batch)). Counted without building
   * the epoch's {@link ShardPlan}, which shuffles every training sample: this runs for each rank's
   * EpochResult, so a plan per call cost O(ranks x samples) at every epoch boundary.
   */
  private int steps(int e) {
    return ShardPlan.steps((int) validated.train().samples(), validated.spec().batchSize());
  }

  private boolean epochRecorded(int e) {
    return job.getEpochsList().stream().anyMatch(m -> m.getEpoch() == e);
  }

  private void onProgress(int rank, StepProgress p) {
    if (phase != Phase.TRAINING || p.getEpoch() != epoch) {
      return;
    }
    if (p.getSteps() > startStep) {
      madeProgress();
    }
    reached(new Cursor(p.getEpoch(), p.getSteps()));
    progress.put(rank, p);
    long now = nanoClock.getAsLong();
    if (now - lastProgressPublish < PROGRESS_PUBLISH_NANOS) {
      return;
    }
    lastProgressPublish = now;
    StepProgress best = progress.values().stream()
        .max(Comparator.comparingLong(StepProgress::getSteps)).orElse(p);
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

  /** A step completed: the recovery bounds start over. */
  private void madeProgress() {
    ringsWithoutProgress = 0;
    idleRecoveries = 0;
    watchdog.progressed(nanoClock.getAsLong());
  }

  private void reached(Cursor c) {
    if (furthest == null || c.compareTo(furthest) > 0) {
      furthest = c;
    }
  }

  private void onEpochResult(int rank, EpochResult r) {
    if (phase != Phase.TRAINING || r.getEpoch() != epoch || r.getGeneration() != generation) {
      return;
    }
    watchdog.progressed(nanoClock.getAsLong());
    epochResults.put(rank, r);
    reached(new Cursor(epoch, steps(epoch)));
    if (epochResults.size() < roster.ranks()) {
      return;
    }
    madeProgress();
    double duration = (nanoClock.getAsLong() - epochStartNanos) / 1e9;
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
      job.clearEpochClock();
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
    finish(JobState.SUCCEEDED, FailureReason.FAILURE_REASON_UNSPECIFIED, "trained " + validated.spec().epochs()
        + " epoch(s); model saved to " + path);
  }

  private void onWorkerFailure(int rank, WorkerRef s, io.ringmaster.proto.v1.WorkerFailure f) {
    switch (f.getReason()) {
      case FAILURE_REASON_NON_FINITE -> fail(FailureReason.FAILURE_REASON_NON_FINITE,
          "training produced NaN or infinite values at " + f.getMessage(), DIRECT, true);
      case FAILURE_REASON_NON_FINITE_ELSEWHERE -> fail(FailureReason.FAILURE_REASON_NON_FINITE,
          "training produced NaN or infinite values at " + f.getMessage(), PEER_REPORT, false);
      case FAILURE_REASON_COLLECTIVE_ERROR, FAILURE_REASON_IO_ERROR ->
          startPause("rank " + rank + " could not join the ring: " + f.getMessage());
      default -> fail(f.getReason() == FailureReason.FAILURE_REASON_UNSPECIFIED
          || f.getReason() == FailureReason.UNRECOGNIZED ? FailureReason.FAILURE_REASON_INTERNAL : f.getReason(),
          "rank " + rank + " (" + s.describe() + ") failed" + where() + ": " + f.getMessage(), DIRECT, true);
    }
  }

  private void onStall(int rank, StallReport report) {
    if (phase != Phase.TRAINING || report.getGeneration() != generation) {
      return;
    }
    StallInspector.Verdict v = stalls.report(rank, report, roster.ranks(),
        TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong()));
    if (v == null) {
      return;
    }
    String named = v.culprits().stream().map(r -> "rank " + r + " (" + roster.member(r).describe() + ")")
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
        WorkerRef w = roster.member(r);
        out.add(new Evict(w));
        workerLost(w, "evicted by the stall inspector: step " + v.step() + " of epoch " + report.getEpoch()
            + " waited " + String.format(Locale.ROOT, "%.1f", v.waitedMs() / 1000.0)
            + " s for it (faultTolerance.stallTimeoutS = " + ft.stallTimeoutS() + ")", null);
      }
    }
  }

  // ---------------------------------------------------------------- the no-progress watchdog

  private static boolean watched(Phase p) {
    return p == Phase.PREPARING || p == Phase.TRAINING || p == Phase.SAVING;
  }

  private void onActivity(WorkerRef w, WorkerActivity a, long receivedAtNanos) {
    if (!watched(phase) || !roster.isLiveMember(w)) {
      return;
    }
    if (receivedAtNanos < expectingSinceNanos) {
      // received before the phase's command was sent (it waited on the job's thread, e.g. behind a large
      // gang's hand-over): it says nothing about how the worker took that command
      return;
    }
    if (!watchdog.heartbeat(w, a, id(), generation, roster.ringSize(), roster::liveMembers)) {
      return; // O(1) per heartbeat: the live members are listed only when enough of them are idle
    }
    String waited = "every live rank reports that it runs no command for this ring ("
        + watchdog.describe(roster.ring()) + ") while the coordinator waits for " + awaited();
    if (++idleRecoveries > settings.maxIdleRecoveries()) {
      fail(FailureReason.FAILURE_REASON_NO_PROGRESS, "no progress: " + waited + "; the ring was re-formed "
          + settings.maxIdleRecoveries() + " time(s) for this without a step completing", DIRECT, true);
      return;
    }
    String text = "no progress: " + waited + "; re-forming the ring";
    log.warn("job {}: {}", id(), text);
    publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text));
    startPause("no progress: the coordinator waited for " + awaited());
  }

  private void noProgressCheck() {
    long bound = settings.noProgressTimeout().toNanos();
    long silent = watchdog.silentNanos(nanoClock.getAsLong());
    if (watched(phase) && silent >= bound) {
      fail(FailureReason.FAILURE_REASON_NO_PROGRESS, "no progress for "
          + String.format(Locale.ROOT, "%.0f", silent / 1e9) + " s (JobSettings.noProgressTimeout = "
          + settings.noProgressTimeout().toSeconds() + " s) while waiting for " + awaited()
          + "; last activity: " + watchdog.describe(roster.ring()), DIRECT, true);
      return;
    }
    long left = watched(phase) ? bound - silent : bound;
    startTimer(JobTimer.of(Kind.NO_PROGRESS), Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
  }

  /** What the job waits for now, naming the ranks and the message. */
  private String awaited() {
    List<WorkerRef> ring = roster.ring();
    Set<Integer> missing = new TreeSet<>();
    for (int r = 0; r < ring.size(); r++) {
      if (roster.isLiveMember(ring.get(r))) {
        missing.add(r);
      }
    }
    return switch (phase) {
      case PREPARING -> {
        missing.removeAll(ready);
        yield "Ready of generation " + generation + " from ranks " + missing;
      }
      case TRAINING -> {
        missing.removeAll(epochResults.keySet());
        yield "StepProgress and EpochResult of epoch " + epoch + " (generation " + generation + ") from ranks "
            + missing;
      }
      case SAVING -> "ModelSaved from rank 0";
      case PAUSING -> {
        missing.removeIf(r -> paused.containsKey(ring.get(r).workerId()));
        yield "Paused of generation " + generation + " from ranks " + missing;
      }
      case WAITING_FOR_REPLACEMENTS -> "replacement workers";
      default -> "workers to attach";
    };
  }

  // ---------------------------------------------------------------- losing workers, pausing, re-forming

  /**
   * Exits are matched to workers by pid; a scheduler that cannot know the worker's pid (a pod) reports
   * pid -1 and the slot it started, kept under a negative key that no pid can take.
   */
  private static long slotKey(int slot) {
    return -1L - slot;
  }

  private static long exitKey(WorkerExit e) {
    return e.pid() > 0 ? e.pid() : slotKey(e.slot());
  }

  private WorkerExit exitOf(WorkerRef s) {
    WorkerExit e = exitsByPid.get(s.pid());
    return e != null || s.slot() < 0 ? e : exitsByPid.get(slotKey(s.slot()));
  }

  private void onDetached(WorkerRef s, String why) {
    WorkerExit exit = exitOf(s);
    if (exit != null || !launchesWorkers) {
      workerLost(s, exit != null ? exitDetail(exit) : why, exit);
      return;
    }
    // for a process the scheduler started, its exit code usually follows within milliseconds and says
    // much more: wait for it up to the failure grace period
    detachedWhy.put(s, why);
    startTimer(new JobTimer(Kind.EXIT_GRACE, s), settings.failureGrace().toMillis());
  }

  private void exitGraceOver(WorkerRef s) {
    String why = detachedWhy.remove(s);
    WorkerExit late = exitOf(s);
    if (late == null) {
      out.add(new Evict(s)); // its stream is gone: make sure the process is too
    }
    workerLost(s, late != null ? exitDetail(late) : why, late);
  }

  private void onUnresponsive(WorkerRef s, long silentMillis) {
    if (roster.rankOf(s) < 0 && !roster.isJoiner(s)) {
      return;
    }
    out.add(new Evict(s));
    workerLost(s, "stopped responding: no heartbeat for " + String.format(Locale.ROOT, "%.1f", silentMillis / 1000.0)
        + " s (faultTolerance.workerTimeoutS = " + ft.workerTimeoutS() + "); evicted", null);
  }

  private void onCheckpointStored(CheckpointRef ref) {
    if (phase == Phase.DONE) {
      return;
    }
    job.setLatestCheckpoint(ref);
    current = job.build();
    out.add(new Store(current)); // no event: checkpoints are routine
  }

  private void onExited(WorkerExit exit) {
    exitsByPid.put(exitKey(exit), exit);
    if (phase == Phase.DONE) {
      return;
    }
    WorkerRef s = exit.pid() > 0 ? roster.byPid(exit.pid()) : roster.bySlot(exit.slot());
    if (s != null) {
      workerLost(s, exitDetail(exit), exit);
      return;
    }
    if (attachedPids.contains(exitKey(exit))) {
      return; // a worker already handled as lost (or released) has now exited too
    }
    // a launched worker died before attaching
    if (launchesPending > 0) {
      launchesPending--;
    }
    roster.depart(WorkerStatus.newBuilder().setRank(-1).setPid(exit.pid()).setState(WorkerState.WORKER_LOST)
        .setExitCode(exit.exitCode()).setLogPath(exit.logPath().toString())
        .setMessage("exited before attaching: " + exit.describeExit()).build());
    String what = "worker slot " + exit.slot() + (exit.pid() > 0 ? " (pid " + exit.pid() + ")" : "")
        + " died before attaching: "
        + exitDetail(exit);
    rebuildWorkerStatuses();
    boolean replaced = replaceLost(what);
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder().setNotice(what));
    if (!replaced) {
      fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; no replacement allowed (faultTolerance.maxReplacements = "
          + ft.maxReplacements() + ", " + replacementsStarted + " started)", DIRECT, true);
    }
  }

  /**
   * A worker is gone for good. A joiner is just dropped (and replaced if allowed); a ring member makes
   * the ring pause and re-form, or fails the job when it cannot go on.
   */
  private void workerLost(WorkerRef s, String detail, WorkerExit exit) {
    if (phase == Phase.DONE) {
      return;
    }
    int rank = roster.rankOf(s);
    boolean member = roster.isLiveMember(s);
    boolean joiner = roster.removeJoiner(s);
    if (!member && !joiner) {
      return;
    }
    WorkerStatus.Builder gone = JobRoster.status(rank, s).setState(WorkerState.WORKER_LOST).setMessage(detail);
    if (exit != null) {
      gone.setExitCode(exit.exitCode()).setLogPath(exit.logPath().toString());
    }
    roster.depart(gone.build());
    String who = (member ? "rank " + rank : "joining worker") + " (" + s.describe() + ")";
    String what = who + " lost" + where() + ": " + detail;
    log.warn("job {}: {}", id(), what);
    if (member) {
      roster.markLost(s);
      paused.remove(s.workerId());
      setWorkerState(rank, WorkerState.WORKER_LOST, detail);
    }
    rebuildWorkerStatuses();
    publish(JobEvent.Kind.WORKERS_CHANGED, JobEvent.newBuilder().setNotice(what));
    if (!member) {
      boolean coming = replaceLost(what);
      if (phase == Phase.WAITING_FOR_WORKERS && !coming) {
        List<WorkerRef> joiners = roster.joiners();
        if (joiners.size() >= ft.minWorkers() && !joiners.isEmpty()) {
          formRing(RecoveryPlan.plan(List.of(), ids(joiners), resumeCheckpoint, ft.maxWorkers()));
        } else {
          fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; cannot start " + workers()
              + " worker(s) and no replacement is allowed", DIRECT, true);
        }
      }
      return;
    }
    boolean canContinue = replaceLost(what) || roster.ringSize() + roster.joinerCount() >= ft.minWorkers();
    if (!canContinue) {
      fail(FailureReason.FAILURE_REASON_WORKER_LOST, what + "; " + roster.ringSize() + " worker(s) left, fewer than "
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
    int have = roster.ringSize() + roster.joinerCount() + (launchesWorkers ? launchesPending : freeSlots.get());
    int want = Math.min(workers(), ft.maxWorkers()) - have;
    int allowed = ft.maxReplacements() - replacementsStarted;
    int n = Math.min(want, allowed);
    if (n > 0) {
      replacementsStarted += n;
      job.setReplacements(replacementsStarted);
      if (launchesWorkers) {
        log.info("job {}: starting {} replacement worker(s) ({} of {} allowed)", id(), n, replacementsStarted,
            ft.maxReplacements());
        launch(n);
      } else {
        // workers started by hand: open slots that the manager fills from its free workers (now, or when
        // one attaches); the replacement timeout bounds the wait below minWorkers
        freeSlots.addAndGet(n);
        log.info("job {}: {} slot(s) open for free workers ({} of {} replacements allowed)", id(), n,
            replacementsStarted, ft.maxReplacements());
      }
    }
    return launchesWorkers ? launchesPending > 0 : freeSlots.get() > 0;
  }

  private void startPause(String reason) {
    if (phase == Phase.PAUSING || phase == Phase.WAITING_FOR_REPLACEMENTS || phase == Phase.DONE
        || phase == Phase.WAITING_FOR_WORKERS || phase == Phase.NEW) {
      return;
    }
    if (phase == Phase.SAVING) {
      pendingSave = true;
    }
    enter(Phase.PAUSING);
    JobState now = JobState.fromProto(job.getState());
    if (now != JobState.RECOVERING) {
      moveTo(JobState.RECOVERING, "re-forming the ring: " + reason);
    } else {
      job.setMessage("re-forming the ring: " + reason);
    }
    for (WorkerRef w : roster.liveMembers()) {
      if (!paused.containsKey(w.workerId())) {
        send(w, CoordinatorMessage.newBuilder().setPause(Pause.newBuilder().setJobId(id())
            .setGeneration(generation).setReason(reason)).build());
      }
    }
    startTimer(JobTimer.of(Kind.PAUSE), Math.max(10_000, (long) (2_000 * ft.workerTimeoutS())));
    maybeFinishPause();
  }

  private void pauseTimedOut() {
    if (phase != Phase.PAUSING) {
      return;
    }
    for (WorkerRef w : roster.liveMembers()) {
      if (!paused.containsKey(w.workerId())) {
        out.add(new Evict(w));
        workerLost(w, "did not stop at a step boundary within the pause timeout; evicted", null);
      }
    }
  }

  private void onPaused(WorkerRef s, Paused p) {
    if (p.getGeneration() != generation || roster.isLost(s.workerId())) {
      return;
    }
    paused.put(s.workerId(), p);
    if (p.getHoldsState()) {
      reached(new Cursor(p.getEpoch(), p.getCompletedSteps()));
    }
    switch (phase) {
      case TRAINING, PREPARING, SAVING -> startPause("rank " + roster.rankOf(s) + " stopped: " + p.getReason());
      case PAUSING, WAITING_FOR_REPLACEMENTS -> maybeFinishPause();
      default -> { }
    }
  }

  private void maybeFinishPause() {
    if (phase != Phase.PAUSING && phase != Phase.WAITING_FOR_REPLACEMENTS) {
      return;
    }
    List<WorkerRef> live = roster.liveMembers();
    for (WorkerRef w : live) {
      if (!paused.containsKey(w.workerId())) {
        return; // still waiting for some cursors
      }
    }
    cancelTimer(JobTimer.of(Kind.PAUSE));
    List<WorkerRef> joiners = roster.joiners();
    int available = Math.min(live.size() + joiners.size(), ft.maxWorkers());
    if (available >= ft.minWorkers() && available > 0) {
      List<RecoveryPlan.Survivor> survivors = new ArrayList<>();
      List<String> stateless = new ArrayList<>();
      for (WorkerRef w : live) {
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
        fail(FailureReason.FAILURE_REASON_STATE_LOST,
            "every worker holding the model was lost and no checkpoint exists yet", DIRECT, true);
        return;
      }
      RecoveryPlan.CheckpointCursor ckpt = survivors.isEmpty() ? latestCheckpointCursor() : null;
      if (ckpt != null) {
        noticeRedoneWork(ckpt);
      }
      formRing(RecoveryPlan.plan(survivors, stateless, ckpt, ft.maxWorkers()));
      return;
    }
    if (phase != Phase.WAITING_FOR_REPLACEMENTS) {
      enter(Phase.WAITING_FOR_REPLACEMENTS);
      String text = "waiting up to " + ft.replacementTimeoutS() + " s for replacements: " + available
          + " worker(s) alive, faultTolerance.minWorkers = " + ft.minWorkers();
      job.setMessage(text);
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text));
      startTimer(JobTimer.of(Kind.REPLACEMENT), TimeUnit.SECONDS.toMillis(ft.replacementTimeoutS()));
    }
  }

  /** Every holder of the state was lost: say which work the checkpoint does not have and is trained again. */
  private void noticeRedoneWork(RecoveryPlan.CheckpointCursor ckpt) {
    Cursor from = new Cursor(ckpt.epoch(), ckpt.step());
    if (furthest == null || furthest.compareTo(from) <= 0) {
      return;
    }
    String text = "every worker holding the model was lost: resuming from checkpoint " + ckpt.ref().getId()
        + " at epoch " + from.epoch() + " step " + from.step() + "; the work from there to epoch "
        + furthest.epoch() + " step " + furthest.step() + " (the furthest any worker reported) is lost and is"
        + " trained again";
    log.warn("job {}: {}", id(), text);
    publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(text));
    furthest = from;
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
    int available = roster.ringSize() + roster.joinerCount();
    fail(FailureReason.FAILURE_REASON_NOT_ENOUGH_WORKERS, "only " + available
        + " worker(s) alive, fewer than faultTolerance.minWorkers = " + ft.minWorkers()
        + ", and no replacement arrived within " + ft.replacementTimeoutS() + " s; lost: "
        + roster.departed().stream().map(d -> (d.getRank() >= 0 ? "rank " + d.getRank() : "a worker") + " (pid "
        + d.getPid() + "): " + d.getMessage()).collect(Collectors.joining("; ")), DIRECT, true);
  }

  // ---------------------------------------------------------------- timers

  private void onTimer(JobTimer timer, long token) {
    Long armed = timers.get(timer);
    if (armed == null || armed != token) {
      return; // cancelled or restarted since
    }
    timers.remove(timer);
    switch (timer.kind()) {
      case START -> startTimedOut();
      case FAILURE_GRACE -> finishFailed();
      case PAUSE -> pauseTimedOut();
      case REPLACEMENT -> replacementsTimedOut();
      case EXIT_GRACE -> exitGraceOver(timer.worker());
      case NO_PROGRESS -> noProgressCheck();
    }
  }

  private void startTimer(JobTimer timer, long delayMillis) {
    long token = ++timerTokens;
    timers.put(timer, token);
    out.add(new StartTimer(timer, delayMillis, token));
  }

  private void cancelTimer(JobTimer timer) {
    if (timers.remove(timer) != null) {
      out.add(new CancelTimer(timer));
    }
  }

  // ---------------------------------------------------------------- failure and completion

  /** Fails the job now ({@code immediate}) or after the grace period, keeping the best explanation. */
  private void fail(FailureReason reason, String message, int evidence, boolean immediate) {
    if (phase == Phase.DONE) {
      return;
    }
    if (pendingFailure == null || evidence > pendingFailure.evidence()) {
      pendingFailure = new PendingFailure(reason, message, evidence);
    }
    if (immediate) {
      finishFailed();
    } else if (!timers.containsKey(JobTimer.of(Kind.FAILURE_GRACE))) {
      startTimer(JobTimer.of(Kind.FAILURE_GRACE), settings.failureGrace().toMillis());
    }
  }

  private void finishFailed() {
    if (phase == Phase.DONE || pendingFailure == null) {
      return;
    }
    finish(JobState.FAILED, pendingFailure.reason(), pendingFailure.message());
  }

  private void cancelAllTimers() {
    for (JobTimer t : List.copyOf(timers.keySet())) {
      cancelTimer(t);
    }
  }

  private void finish(JobState state, FailureReason reason, String message) {
    enter(Phase.DONE);
    cancelAllTimers();
    List<WorkerRef> everyone = roster.everyoneAttached();
    for (WorkerRef w : everyone) {
      send(w, CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
          .setReason(state.name().toLowerCase(Locale.ROOT)).setShutdown(launchesWorkers)).build());
    }
    for (int r = 0; r < roster.ranks(); r++) {
      if (job.getWorkersCount() > r && job.getWorkers(r).getState() != WorkerState.WORKER_LOST) {
        setWorkerState(r, WorkerState.WORKER_EXITED, "");
      }
    }
    job.setReason(reason);
    job.setFinishedAtMs(wallClock.getAsLong());
    moveTo(state, message);
    log.info("job {}: {} {}", id(), state, message);
    out.add(new Finished(launchesWorkers ? List.of() : everyone));
  }

  /**
   * The scheduler gave up placing the first ring's gang and removed its workers: before the first ring
   * (WAITING_FOR_WORKERS) the job goes back to QUEUED holding nothing (DONE for this lifecycle; the
   * manager queues it again with the scheduler's reason). Later, a replacement that cannot be placed is
   * the replacement timeout's business: the event is only reported.
   */
  private void onGangReleased(String reason) {
    if (phase == Phase.DONE) {
      return;
    }
    if (phase != Phase.WAITING_FOR_WORKERS) {
      publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice("scheduler: " + reason));
      return;
    }
    enter(Phase.DONE);
    cancelAllTimers();
    for (WorkerRef w : roster.everyoneAttached()) {
      send(w, CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
          .setReason("the job's workers could not all be placed; it waits in the queue")
          .setShutdown(launchesWorkers)).build());
    }
    job.setReason(FailureReason.FAILURE_REASON_UNSPECIFIED);
    moveTo(JobState.QUEUED, "requeued: " + reason);
    out.add(new JobAction.Requeued(reason));
  }

  private void onSuspend() {
    if (phase == Phase.DONE) {
      return;
    }
    enter(Phase.DONE);
    cancelAllTimers();
    for (WorkerRef w : roster.everyoneAttached()) {
      send(w, CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(id())
          .setReason("coordinator shutting down").setShutdown(launchesWorkers)).build());
    }
    job.setMessage("coordinator shut down; the job resumes from its newest checkpoint when it restarts");
    publish(JobEvent.Kind.NOTICE, JobEvent.newBuilder().setNotice(job.getMessage()));
    out.add(new Suspended());
  }

  // ---------------------------------------------------------------- helpers

  /** Moves to {@code next}, refusing a move the transition table does not allow. */
  private void enter(Phase next) {
    if (!TRANSITIONS.get(phase).contains(next)) {
      throw new IllegalStateException("job " + id() + ": phase " + phase + " -> " + next + " is not allowed");
    }
    boolean wasWatched = watched(phase);
    phase = next;
    watchdog.expectationChanged();
    expectingSinceNanos = nanoClock.getAsLong();
    if (watched(next) && !wasWatched) {
      watchdog.progressed(nanoClock.getAsLong()); // the bound counts from entering a watched phase
      if (!timers.containsKey(JobTimer.of(Kind.NO_PROGRESS))) {
        startTimer(JobTimer.of(Kind.NO_PROGRESS), settings.noProgressTimeout().toMillis());
      }
    }
  }

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

  private void rebuildWorkerStatuses() {
    List<WorkerStatus> statuses = roster.statuses(job.getWorkersList());
    job.clearWorkers().addAllWorkers(statuses);
  }

  private void setWorkerState(int rank, WorkerState state, String message) {
    String id = roster.member(rank).workerId();
    if (rank < job.getWorkersCount() && job.getWorkers(rank).getRank() == rank
        && job.getWorkers(rank).getWorkerId().equals(id)) {
      job.getWorkersBuilder(rank).setState(state).setMessage(message); // the ring comes first, by rank
      return;
    }
    for (int i = 0; i < job.getWorkersCount(); i++) {
      if (job.getWorkers(i).getRank() == rank && job.getWorkers(i).getWorkerId().equals(id)) {
        job.getWorkersBuilder(i).setState(state).setMessage(message);
        return;
      }
    }
  }

  private void send(WorkerRef w, CoordinatorMessage m) {
    out.add(new Send(w, m));
  }

  private void publish(JobEvent.Kind kind, JobEvent.Builder extra) {
    if (!extra.getNotice().isEmpty()) {
      job.addNotices(Instant.ofEpochMilli(wallClock.getAsLong()) + " " + extra.getNotice());
      if (job.getNoticesCount() > 50) {
        List<String> keep = new ArrayList<>(job.getNoticesList().subList(job.getNoticesCount() - 50,
            job.getNoticesCount()));
        job.clearNotices().addAllNotices(keep);
      }
    }
    Job snapshot = job.build();
    current = snapshot;
    out.add(new Publish(kind, snapshot, extra.buildPartial()));
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

  private static List<String> ids(List<WorkerRef> ws) {
    return ws.stream().map(WorkerRef::workerId).toList();
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
}
