package io.ringmaster.worker;

import io.grpc.ManagedChannel;
import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.plan.EpochPlan;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.ResumePoint;
import io.ringmaster.proto.v1.StallReport;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.worker.checkpoint.CheckpointClient;
import io.ringmaster.worker.collective.Collective;
import io.ringmaster.worker.collective.CollectiveException;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingMembership;
import io.ringmaster.worker.collective.RingOptions;
import io.ringmaster.worker.engine.EvalResult;
import io.ringmaster.worker.engine.ReducedStep;
import io.ringmaster.worker.engine.Replica;
import io.ringmaster.worker.engine.StepPhases;
import io.ringmaster.worker.engine.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's part of one job: its replica of the model, its datasets, its place in the current ring
 * and its cursor (epoch, completed steps, the epoch's global training counters). The training loop of an
 * epoch, for every step:
 *
 * <ol>
 *   <li>take this rank's slice of the step's global batch from the {@link EpochPlan} ({@link io.ringmaster.job.plan.ShardPlan}: seed, epoch);
 *   <li>forward and backward on the slice: the raw gradient is the SUM over the slice's samples, and the
 *       step's counters (loss sum, samples, non-finite flag) sit right after it in one buffer;
 *   <li>all-reduce (sum) that buffer over every rank: every replica now holds the gradient sum of the whole
 *       global batch and the global counters, bit-identical on every rank;
 *   <li>unless some rank's values were not finite, apply the updater with the global batch size, so the
 *       step equals one step of a single model on the global batch.
 * </ol>
 *
 * After the last step, the rank evaluates its contiguous slice of the test set; the coordinator adds up
 * the slices, so every test sample counts once.
 *
 * <p><b>Elastic membership.</b> A ring that breaks (a peer died) or a {@code Pause} from the coordinator
 * stops the loop at a step boundary: a step is either applied on this replica or not at all. The worker
 * reports its cursor ({@code Paused}) and keeps a snapshot that peers joining the next ring fetch
 * ({@code ReplicaState.Fetch}). The next {@code Assign} (a new generation) says where the replica's state
 * comes from: kept as is, fetched from a peer that is ahead, or downloaded from a checkpoint.
 *
 * <p><b>Pauses are scoped by generation.</b> A {@code Pause} names the generation it stops; it stops that
 * generation for good (a later RunEpoch of it stops before its first step and answers Paused again) and
 * never a newer one, so a Pause that crosses the next Assign on the wire, or arrives late, cannot stop
 * the next ring. An aborted runner (released, or its coordinator was lost) is never reused: the worker
 * builds a new one for the next Assign.
 *
 * <p>Threading: every method except {@link #requestPause}, {@link #servable}, {@link #abort}, {@link
 * #activity}, {@link #stall} and the accessors runs on the worker's single job thread (ND4J workspaces
 * belong to a thread).
 */
final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

  /** Where the replica stands. Mutated on the job thread only. */
  private static final class Cursor {
    // volatile: the heartbeat reads them (WorkerActivity) from the timer thread
    volatile int epoch = 1;
    volatile long completed;
    double lossSum;
    long samples;
    long lossSamples;
    long skipped;

    void startEpoch(int e) {
      epoch = e;
      completed = 0;
      lossSum = 0;
      samples = 0;
      lossSamples = 0;
      skipped = 0;
    }
  }

  /** A paused replica's state, served to peers joining the next ring. */
  record Servable(int epoch, long step, Checkpoint state) {}

  private final String jobId;
  private final JobSpec spec;
  private final Assign first;
  private final CollectiveService inbound;
  private final ManagedChannel coordinator;
  private final PeerStateClient peers;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClockMillis;
  /** Shared with the runtime, which shuts it down; this runner only waits for its own last upload. */
  private final ExecutorService uploads;
  private final StepWait stepWait;
  /** Per-phase step timing, logged at each epoch's end; off unless RINGMASTER_STEP_PHASES=1. */
  private final StepPhases phases = StepPhases.fromEnvironment(System.getenv(StepPhases.ENV));
  /** Where the rows come from and which of them this rank trains and evaluates. */
  private final WorkerData data;
  private Future<?> pendingUpload;

  private Dataset train;
  private Dataset test;
  private Replica replica;
  private volatile RingMembership membership;
  private volatile Collective collective;
  private final Cursor cursor = new Cursor();
  /**
   * The newest generation a Pause was requested for (a Pause names its generation). It stops the loop
   * while the runner is in that generation or an older one; the next Assign (a newer generation) is
   * not affected, and a stale Pause (of a generation older than the current one) changes nothing.
   */
  private final AtomicLong pausedUpTo = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean aborted;
  /** What the job thread is doing with this runner, for the heartbeat's {@link WorkerActivity}. */
  private volatile WorkerActivity.Kind doing = WorkerActivity.Kind.PREPARING;
  /** Generation of the Assign being carried out (PREPARING), else of the ring joined. */
  private volatile long activityGeneration;
  /** Generation of the last Paused this runner described, so a Pause already answered is not re-answered. */
  private volatile long pausedAnsweredFor = Long.MIN_VALUE;
  private volatile Servable servable;
  /** The replica holds the job's state at the cursor (false until an Assign fully succeeded). */
  private boolean holdsState;

  /**
   * @param env the worker's clocks (monotonic for timings, stall waits and the ring's timeouts; wall
   *     clock for checkpoints' creation time) and its upload thread (not shut down by this runner)
   */
  JobRunner(Assign first, CollectiveService inbound, ManagedChannel coordinator, PeerStateClient peers,
      WorkerEnvironment env, WorkerData data) {
    this.data = java.util.Objects.requireNonNull(data, "data");
    this.first = first;
    this.jobId = first.getJobId();
    this.spec = SpecProtos.fromProto(first.getSpec());
    this.inbound = inbound;
    this.coordinator = coordinator;
    this.peers = peers;
    this.nanoClock = env.nanoClock();
    this.wallClockMillis = env.wallClockMillis();
    this.uploads = env.uploads();
    this.stepWait = new StepWait(nanoClock);
  }

  /** After this long waiting in one step, the worker sends a StallReport (spec.faultTolerance.stallWarningS). */
  long stallReportMs() {
    return (long) (spec.ft().stallWarningS() * 1000);
  }

  String jobId() {
    return jobId;
  }

  long generation() {
    RingMembership m = membership;
    return m == null ? 0 : m.generation();
  }

  /** Whether the runner has been aborted (released, or the coordinator was lost): it takes no more commands. */
  boolean aborted() {
    return aborted;
  }

  /** What this runner is doing now, as the heartbeat reports it. Any thread. */
  WorkerActivity activity() {
    WorkerActivity.Kind kind = doing;
    return WorkerActivity.newBuilder().setKind(kind).setJobId(jobId)
        .setGeneration(kind == WorkerActivity.Kind.PREPARING ? activityGeneration : generation())
        .setEpoch(cursor.epoch).setCompletedSteps(cursor.completed).build();
  }

  int rank() {
    return membership.rank();
  }

  /**
   * Joins the ring of {@code a}'s generation with the state {@code a.resume} names: loads the data and
   * builds the replica the first time, then keeps, fetches or downloads its state, and connects.
   */
  void assign(Assign a) throws DatasetException, CollectiveException, IOException {
    activityGeneration = a.getMembership().getGeneration();
    doing = WorkerActivity.Kind.PREPARING;
    try {
      join(a);
    } finally {
      doing = WorkerActivity.Kind.WAITING;
    }
  }

  private void join(Assign a) throws DatasetException, CollectiveException, IOException {
    long t0 = nanoClock.getAsLong();
    RingMembership next = RingMembership.fromProto(jobId, a.getMembership());
    if (membership != null && next.generation() <= membership.generation()) {
      throw new IllegalStateException("generation " + next.generation() + " is not newer than "
          + membership.generation());
    }
    closeRing();
    holdsState = false;
    if (replica == null) {
      train = data.train(spec, DatasetInfo.fromProto(a.getTrain()), a.getProvenance());
      test = data.test(spec, DatasetInfo.fromProto(a.getTest()), a.getProvenance());
      int maxLocalBatch = spec.batchSize(); // a rank may be alone in a later generation
      replica = Replica.create(spec.model(), spec.updater(), spec.seed(), train, maxLocalBatch);
      replica.timePhases(phases);
    }
    ResumePoint resume = a.getResume();
    switch (resume.getSourceCase()) {
      case FRESH, SOURCE_NOT_SET -> {
        if (resume.getEpoch() > 1 || resume.getStep() > 0) {
          throw new IllegalStateException("a fresh replica cannot start at epoch " + resume.getEpoch()
              + " step " + resume.getStep());
        }
        data.initialState().ifPresent(s -> {
          replica.setState(s);
          log.info("job {}: starting from the host's model (iteration {}, checksum {})", jobId, s.iteration(),
              Long.toHexString(replica.paramsChecksum()));
        });
      }
      case LOCAL -> {
        if (cursor.epoch != resume.getEpoch() || cursor.completed != resume.getStep()) {
          throw new IllegalStateException("asked to keep my replica at epoch " + resume.getEpoch() + " step "
              + resume.getStep() + " but it is at epoch " + cursor.epoch + " step " + cursor.completed);
        }
      }
      case PEER_RANK -> {
        var peer = next.peer(resume.getPeerRank());
        restore(peers.fetch(peer, next, resume.getEpoch(), resume.getStep()),
            "rank " + resume.getPeerRank() + " (" + peer + ")");
      }
      case CHECKPOINT_ID -> restore(new CheckpointClient(coordinator).download(jobId, resume.getCheckpointId()),
          "checkpoint " + resume.getCheckpointId());
    }
    membership = next;
    // keep serving the paused snapshot: joiners of this generation fetch it until training resumes.
    // A pause requested for an older generation does not apply to this one (see pausedUpTo).
    collective = RingAllReduce.join(inbound, next, RingOptions.defaults(), nanoClock);
    holdsState = true;
    log.info("job {}: rank {}/{} of generation {} ready in {} ms at epoch {} step {} ({} params)", jobId,
        next.rank(), next.worldSize(), next.generation(), TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - t0),
        cursor.epoch, cursor.completed, replica.numParams());
  }

  private void restore(Checkpoint c, String from) {
    replica.setState(ReplicaCheckpoints.state(c));
    cursor.epoch = c.getEpoch();
    cursor.completed = c.getStep();
    cursor.lossSum = c.getTrainLossSum();
    cursor.samples = c.getTrainSamples();
    cursor.skipped = c.getSkippedSteps();
    cursor.lossSamples = c.getTrainLossSamples();
    long sum = replica.paramsChecksum();
    if (c.getParamsChecksum() != 0 && sum != c.getParamsChecksum()) {
      throw new IllegalStateException("state from " + from + " has parameter checksum "
          + Long.toHexString(sum) + ", expected " + Long.toHexString(c.getParamsChecksum()));
    }
    log.info("job {}: restored epoch {} step {} from {}", jobId, cursor.epoch, cursor.completed, from);
  }

  /**
   * Trains epoch {@code epoch} from {@code startStep} and evaluates this rank's test slice.
   *
   * @throws PausedException when paused (by the coordinator or because the ring broke) at a step boundary
   * @throws NonFiniteException when a step's loss or gradient was not finite and the job does not skip
   */
  EpochResult runEpoch(int epoch, long startStep, Consumer<StepProgress> progress)
      throws CollectiveException, PausedException, NonFiniteException {
    doing = WorkerActivity.Kind.TRAINING;
    try {
      return train(epoch, startStep, progress);
    } finally {
      doing = WorkerActivity.Kind.WAITING;
    }
  }

  private EpochResult train(int epoch, long startStep, Consumer<StepProgress> progress)
      throws CollectiveException, PausedException, NonFiniteException {
    EpochPlan plan = data.plan(spec, epoch, membership.rank(), membership.worldSize(), train);
    int steps = plan.steps();
    if (epoch == cursor.epoch + 1 && cursor.completed == stepsOf(cursor.epoch) && startStep == 0) {
      cursor.startEpoch(epoch);
    }
    if (epoch != cursor.epoch || startStep != cursor.completed) {
      throw new IllegalStateException("asked to run epoch " + epoch + " from step " + startStep
          + " but the replica is at epoch " + cursor.epoch + " step " + cursor.completed);
    }
    servable = null;
    replica.setEpoch(epoch - 1);
    int rank = membership.rank();
    int world = membership.worldSize();
    int[] indices = new int[spec.batchSize()];
    long t0 = nanoClock.getAsLong();
    long lastReport = t0;
    int every = spec.ft().checkpointEverySteps();
    for (int step = (int) startStep; step < steps; step++) {
      if (pauseApplies() || aborted) {
        throw new PausedException("paused before step " + step + " of generation " + generation()
            + (aborted ? " (the runner was aborted)" : " (the coordinator paused this generation)"));
      }
      phases.startStep();
      int n = plan.indices(step, rank, world, indices);
      StepResult local = replica.computeGradient(indices, n);
      stepWait.started(step);
      try {
        collective.allReduceSum(replica.reduceBuffer());
      } catch (CollectiveException e) {
        if (pauseApplies() || aborted) {
          throw new PausedException("paused during step " + step + " of generation " + generation()
              + (aborted ? " (the runner was aborted)" : " (the coordinator paused this generation)"));
        }
        throw e;
      } finally {
        stepWait.ended();
        phases.end(StepPhases.Phase.ALLREDUCE);
      }
      ReducedStep global = replica.reduced();
      if (global.nonFiniteRanks() > 0) {
        if (!spec.ft().skipNonFiniteSteps()) {
          throw new NonFiniteException(epoch, step, rank, local.nonFinite(), global.nonFiniteRanks());
        }
        cursor.skipped++;
        log.warn("job {}: skipping step {} of epoch {}: {} rank(s) had non-finite values{}", jobId, step, epoch,
            global.nonFiniteRanks(), local.nonFinite() == null ? "" : " (here: " + local.nonFinite() + ")");
      } else {
        replica.applyGradient(plan.stepSize(step));
        cursor.lossSum += global.lossSum();
        cursor.lossSamples += global.samples();
      }
      cursor.samples += global.samples();
      cursor.completed = step + 1;
      long now = nanoClock.getAsLong();
      if (now - lastReport >= PROGRESS_EVERY_NANOS || step == steps - 1) {
        lastReport = now;
        progress.accept(StepProgress.newBuilder().setJobId(jobId).setEpoch(epoch).setSteps(cursor.completed)
            .setStepsInEpoch(steps).setSamples(cursor.samples).setLossSum(cursor.lossSum).build());
      }
      if (rank == 0 && (cursor.completed == steps || (every > 0 && cursor.completed % every == 0))) {
        uploadCheckpoint(steps);
      }
      phases.endStep();
    }
    double trainSeconds = (nanoClock.getAsLong() - t0) / 1e9;
    if (phases.enabled()) {
      log.info("job {}: epoch {} rank {}/{} step phases (ms per step): {}", jobId, epoch, rank, world,
          phases.take().format());
    }
    doing = WorkerActivity.Kind.EVALUATING;
    long e0 = nanoClock.getAsLong();
    int[] range = data.testRange(rank, world, test);
    EvalResult eval = replica.evaluate(test, range[0], range[1]);
    double evalSeconds = (nanoClock.getAsLong() - e0) / 1e9;
    return EpochResult.newBuilder()
        .setJobId(jobId).setEpoch(epoch).setGeneration(generation()).setSteps(steps)
        .setTrainSamples(cursor.samples).setTrainLossSum(cursor.lossSum)
        .setSkippedSteps(cursor.skipped).setTrainLossSamples(cursor.lossSamples)
        .setTestSamples(eval.count()).setTestLossSum(eval.lossSum()).setTestCorrect(eval.correct())
        .setTrainSeconds(trainSeconds).setEvalSeconds(evalSeconds)
        .setParamsChecksum(replica.paramsChecksum())
        .build();
  }

  private int stepsOf(int epoch) {
    return data.plan(spec, epoch, membership.rank(), membership.worldSize(), train).steps();
  }

  /** This replica as a checkpoint at the current cursor. */
  private Checkpoint snapshot() {
    int steps = stepsOf(cursor.epoch);
    return ReplicaCheckpoints.checkpoint(replica.state(), jobId, cursor.epoch, cursor.completed, steps,
            cursor.lossSum, cursor.samples, cursor.lossSamples, cursor.skipped, spec.seed(), membership.worldSize(),
            replica.paramsChecksum(), first.getProvenance(), wallClockMillis.getAsLong());
  }

  /** Rank 0: hands a snapshot to the background uploader; skips it if the previous upload is still going. */
  private void uploadCheckpoint(int steps) {
    if (pendingUpload != null && !pendingUpload.isDone()) {
      log.warn("job {}: checkpoint at epoch {} step {} skipped: the previous upload has not finished", jobId,
          cursor.epoch, cursor.completed);
      return;
    }
    Checkpoint c = snapshot();
    pendingUpload = uploads.submit(() -> {
      try {
        var ref = new CheckpointClient(coordinator).upload(c);
        log.info("job {}: checkpoint {} stored ({} bytes)", jobId, ref.getId(), ref.getSizeBytes());
      } catch (RuntimeException e) {
        log.warn("job {}: checkpoint at epoch {} step {} not stored: {}", jobId, c.getEpoch(), c.getStep(), e.toString());
      }
    });
  }

  /**
   * Called on the job thread once the loop has stopped: takes the snapshot peers may fetch and describes
   * the cursor. {@code generation} is the ring generation the answer is about (the one a Pause named).
   */
  Paused paused(String reason, long generation) {
    pausedAnsweredFor = generation;
    boolean trained = holdsState && cursor.completed == stepsOf(cursor.epoch);
    if (holdsState) {
      servable = new Servable(cursor.epoch, cursor.completed, snapshot());
    }
    return Paused.newBuilder().setJobId(jobId).setGeneration(generation).setEpoch(cursor.epoch)
        .setCompletedSteps(cursor.completed).setReason(reason).setEpochTrained(trained)
        .setHoldsState(holdsState).build();
  }

  /** The snapshot a joining peer may fetch, if this replica is paused. Any thread. */
  Servable servable() {
    return servable;
  }

  /** Whether a Paused for {@code generation} was already sent (by the epoch it stopped, or an earlier Pause). */
  boolean pauseAnswered(long generation) {
    return pausedAnsweredFor == generation;
  }

  /**
   * A Pause for {@code generation}: makes a running epoch of that generation stop at the next step
   * boundary (the pending all-reduce is aborted on every rank: closing the ring tells the neighbours),
   * and keeps this generation from training again. A Pause for a generation older than the current one
   * is stale (the ring was re-formed since) and changes nothing. Any thread.
   *
   * @return false when the Pause was stale and ignored
   */
  boolean requestPause(long generation) {
    if (generation < generation()) {
      return false;
    }
    pausedUpTo.accumulateAndGet(generation, Math::max);
    Collective c = collective;
    if (c != null && c.generation() <= generation) {
      c.close();
    }
    return true;
  }

  /** Whether a Pause applies to the current generation. */
  private boolean pauseApplies() {
    return pausedUpTo.get() >= generation();
  }

  /** If the job thread has waited in one step for longer than {@code afterMillis}: a report. Any thread. */
  StallReport stall(long afterMillis) {
    long step = stepWait.step();
    long waited = stepWait.waitedMillis();
    Collective c = collective;
    if (step < 0 || waited < 0 || c == null) {
      return null;
    }
    if (waited < afterMillis) {
      return null;
    }
    StallReport.Builder b = StallReport.newBuilder().setJobId(jobId).setGeneration(generation())
        .setEpoch(cursor.epoch).setStep(step).setWaitingMs(waited);
    for (int r : c.pendingRanks()) {
      b.addWaitingFor(r);
    }
    if (c instanceof RingAllReduce ring) {
      b.setNeighbourStarted(ring.progress().leftStarted());
    }
    return b.build();
  }

  /** Saves the replica (with updater state) atomically: temp file, then rename. */
  /**
   * Writes the model zip with its provenance to {@code path} (on this worker's disk) and uploads it to the
   * coordinator; returns where the coordinator stored it.
   *
   * @param last the metrics of the last epoch, recorded in the provenance (null when unknown)
   */
  io.ringmaster.proto.v1.ModelRef save(Path path, io.ringmaster.proto.v1.EpochMetrics last) throws IOException {
    doing = WorkerActivity.Kind.SAVING;
    try {
      saveAtomically(path, last);
      return ModelArchive.upload(coordinator, jobId, path);
    } finally {
      doing = WorkerActivity.Kind.WAITING;
    }
  }

  private Path saveAtomically(Path path, io.ringmaster.proto.v1.EpochMetrics last) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    replica.save(tmp);
    ModelArchive.addProvenance(tmp, ModelArchive.provenance(first, spec.seed(), last, replica.paramsChecksum()));
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return path;
  }

  private void closeRing() {
    Collective c = collective;
    if (c != null) {
      c.close();
    }
  }

  /** Stops everything; the runner cannot be used afterwards. Any thread. */
  void abort() {
    aborted = true;
    closeRing();
  }

  /** Stops everything and leaves the job's rings for good; the runner cannot be used afterwards. */
  @Override
  public void close() {
    abort();
    inbound.leave(jobId); // late streams of this job are refused; the next job starts at any generation
    Future<?> upload = pendingUpload;
    if (upload != null) {
      try {
        upload.get(10, TimeUnit.SECONDS); // let the last checkpoint reach the coordinator
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
        log.warn("job {}: the last checkpoint upload did not finish: {}", jobId, e.toString());
      }
    }
    if (replica != null) {
      replica.close();
    }
    data.jobEnded(); // the data's files may be evicted from the worker's cache now
  }

  /** Stopped at a step boundary on request or because the ring broke. */
  static final class PausedException extends Exception {
    private static final long serialVersionUID = 1L;

    PausedException(String message) {
      super(message);
    }
  }

  /** A step's loss or gradient was NaN or infinite on some rank. */
  static final class NonFiniteException extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean here;

    NonFiniteException(int epoch, int step, int rank, String localDetail, int ranks) {
      super("step " + step + " of epoch " + epoch + ": "
          + (localDetail != null ? "rank " + rank + ": " + localDetail
              : ranks + " other rank(s) had NaN or infinite values (not rank " + rank + ")")
          + "; lower the learning rate or check the data, or set faultTolerance.skipNonFiniteSteps");
      this.here = localDetail != null;
    }
  }

}
