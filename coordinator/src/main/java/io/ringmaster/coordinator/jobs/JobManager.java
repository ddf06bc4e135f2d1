package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.checkpoint.CheckpointSink;
import io.ringmaster.coordinator.checkpoint.CheckpointStore;
import io.ringmaster.coordinator.checkpoint.ProvenanceFactory;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.workers.WorkerEvents;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.job.JobState;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.Release;
import io.ringmaster.proto.v1.WorkerMessage;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer of the coordinator: accepts jobs, keeps them in the {@link JobStore}, admits queued
 * jobs up to {@link JobSettings#maxConcurrentJobs()}, and routes worker events to the
 * {@link JobDriver} of the job each worker belongs to. Free workers (started by hand, no job id) wait in
 * a pool until a job needs them.
 */
public final class JobManager implements WorkerEvents, JobServices, CheckpointSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobManager.class);

  /** Refused submission: the queue is full. */
  public static final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueFullException(String message) {
      super(message);
    }
  }

  private final JobStore store;
  private final CheckpointStore checkpoints;
  private final ProvenanceFactory provenance;
  private final WorkerScheduler scheduler;
  private final JobSettings settings;
  private final SpecChecker checker;
  private final Path jobsDir;
  private final ScheduledExecutorService timers;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClock;
  private final JobEventHub hub;
  private volatile String coordinatorTarget = "";
  private volatile Supplier<Collection<WorkerSession>> sessions = List::of;

  private final Object lock = new Object();
  /** Validated specs of QUEUED jobs, in submission order. */
  private final LinkedHashMap<String, ValidatedJob> queue = new LinkedHashMap<>();
  /** Drivers of STARTING / RUNNING jobs. */
  private final Map<String, JobDriver> active = new ConcurrentHashMap<>();
  /** Free workers (attached without a job id and not in a job), oldest first. */
  private final Deque<WorkerSession> freeWorkers = new ArrayDeque<>();
  /** Which driver each busy worker belongs to. */
  private final Map<String, JobDriver> driverOfWorker = new ConcurrentHashMap<>();

  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock) {
    this.store = store;
    this.checkpoints = checkpoints;
    this.provenance = new ProvenanceFactory();
    this.scheduler = scheduler;
    this.settings = settings;
    this.checker = new SpecChecker(settings.maxWorkersPerJob());
    this.jobsDir = jobsDir;
    this.timers = timers;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
    this.hub = new JobEventHub(wallClock);
  }

  /**
   * Sets the address workers dial (known once the server is bound) and starts the heartbeat check over
   * the attached {@code sessions}.
   */
  public void start(String coordinatorTarget, Supplier<Collection<WorkerSession>> sessions) {
    this.coordinatorTarget = coordinatorTarget;
    this.sessions = sessions;
    recoverJobs();
    long period = settings.heartbeatInterval().toMillis();
    timers.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ public API (JobService)

  /**
   * Validates, stores and queues a job.
   *
   * @throws io.ringmaster.job.spec.InvalidSpecException for a bad spec
   * @throws QueueFullException when {@link JobSettings#maxQueuedJobs()} jobs are already waiting
   */
  public Job submit(io.ringmaster.proto.v1.JobSpec proto) {
    ValidatedJob v = checker.check(proto);
    String id = JobIds.next(v.spec().label());
    Job job = Job.newBuilder()
        .setId(id)
        .setSpec(v.specProto())
        .setState(io.ringmaster.proto.v1.JobState.QUEUED)
        .setMessage("queued")
        .setJobDir(jobsDir.resolve(id).toAbsolutePath().toString())
        .setCreatedAtMs(wallClock.getAsLong())
        .setTrainSamples(v.train().samples())
        .setTestSamples(v.test().samples())
        .build();
    synchronized (lock) {
      if (queue.size() >= settings.maxQueuedJobs()) {
        throw new QueueFullException(queue.size() + " jobs are already queued (limit "
            + settings.maxQueuedJobs() + "); retry when some have finished");
      }
      store.put(job);
      queue.put(id, v);
    }
    log.info("job {} queued: {} worker(s), {} epoch(s)", id, v.spec().workers(), v.spec().epochs());
    admit();
    return current(id).orElse(job);
  }

  public Optional<Job> get(String id) {
    return current(id);
  }

  public List<Job> list() {
    List<Job> out = new ArrayList<>();
    for (Job j : store.list()) {
      JobDriver d = active.get(j.getId());
      out.add(d != null ? d.snapshot() : j);
    }
    return out;
  }

  /** Cancels a job; a finished job is returned unchanged. Empty for an unknown id. */
  public Optional<CompletableFuture<Job>> cancel(String id) {
    synchronized (lock) {
      if (queue.remove(id) != null) {
        Job j = store.get(id).orElseThrow().toBuilder()
            .setState(io.ringmaster.proto.v1.JobState.CANCELLED).setMessage("cancelled by user while queued")
            .setFinishedAtMs(wallClock.getAsLong()).build();
        store.put(j);
        hub.publish(JobEvent.Kind.STATE_CHANGED, j, JobEvent.newBuilder());
        return Optional.of(CompletableFuture.completedFuture(j));
      }
    }
    JobDriver d = active.get(id);
    if (d != null) {
      return Optional.of(d.cancel("cancelled by user"));
    }
    return store.get(id).map(CompletableFuture::completedFuture);
  }

  /** Streams the job's events to {@code watcher}; false for an unknown id. */
  public boolean watch(String id, StreamObserver<JobEvent> watcher) {
    if (current(id).isEmpty()) {
      return false;
    }
    hub.subscribe(() -> current(id).orElseThrow(), watcher);
    return true;
  }

  private Optional<Job> current(String id) {
    JobDriver d = active.get(id);
    return d != null ? Optional.of(d.snapshot()) : store.get(id);
  }

  // ------------------------------------------------------------------ admission

  private void admit() {
    List<JobDriver> toStart = new ArrayList<>();
    synchronized (lock) {
      while (!queue.isEmpty() && active.size() < settings.maxConcurrentJobs()) {
        var first = queue.entrySet().iterator().next();
        queue.remove(first.getKey());
        Job stored = store.get(first.getKey()).orElseThrow();
        JobDriver d = new JobDriver(this, stored, first.getValue(), false, null);
        active.put(d.id(), d);
        toStart.add(d);
      }
    }
    for (JobDriver d : toStart) {
      startDriver(d, store.get(d.id()).orElseThrow().getSpec());
    }
  }

  private void startDriver(JobDriver d, io.ringmaster.proto.v1.JobSpec spec) {
    timers.execute(() -> {
      io.ringmaster.proto.v1.Provenance p;
      try {
        p = provenance.of(spec, dataFiles(spec));
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("job {}: cannot compute provenance (data file hashes): {}", d.id(), e.toString());
        p = io.ringmaster.proto.v1.Provenance.newBuilder()
            .setSpecSha256(ProvenanceFactory.specSha256(spec)).build();
      }
      d.start(p);
      offerFreeWorkers();
    });
  }

  private static List<Path> dataFiles(io.ringmaster.proto.v1.JobSpec spec) {
    List<Path> files = new ArrayList<>();
    for (var ref : List.of(spec.getData().getTrain(), spec.getData().getTest())) {
      files.add(Path.of(ref.getPath()));
      if (!ref.getLabelsPath().isEmpty()) {
        files.add(Path.of(ref.getLabelsPath()));
      }
    }
    return files;
  }

  /**
   * After a restart on the same store: queued jobs are queued again, active jobs resume from their
   * newest valid checkpoint with new workers, finished jobs stay as they are.
   */
  private void recoverJobs() {
    List<Job> all = new ArrayList<>(store.list());
    java.util.Collections.reverse(all); // oldest first, to keep the queue's order
    for (Job j : all) {
      JobState state = JobState.fromProto(j.getState());
      if (state.isTerminal()) {
        continue;
      }
      ValidatedJob v;
      try {
        v = checker.check(j.getSpec());
      } catch (io.ringmaster.job.spec.InvalidSpecException e) {
        Job failed = j.toBuilder().setState(io.ringmaster.proto.v1.JobState.FAILED).setReason(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_INVALID_SPEC)
            .setMessage("after a coordinator restart the job is no longer valid: " + e.getMessage())
            .setFinishedAtMs(wallClock.getAsLong()).build();
        store.put(failed);
        log.warn("job {}: {}", j.getId(), failed.getMessage());
        continue;
      }
      if (state == JobState.QUEUED) {
        synchronized (lock) {
          queue.put(j.getId(), v);
        }
        log.info("job {}: still queued after the restart", j.getId());
        continue;
      }
      List<String> problems = new ArrayList<>();
      var newest = checkpoints.newestValid(j.getId(), problems::add);
      RecoveryPlan.CheckpointCursor cursor = newest.map(c -> new RecoveryPlan.CheckpointCursor(c.ref(),
          c.ref().getEpoch(), c.ref().getStep())).orElse(null);
      Job resumed = j.toBuilder().clearLatestCheckpoint().build();
      if (cursor != null) {
        resumed = resumed.toBuilder().setLatestCheckpoint(cursor.ref()).build();
      }
      JobDriver d = new JobDriver(this, resumed, v, true, cursor);
      active.put(j.getId(), d);
      log.info("job {}: resuming after the restart from {}", j.getId(),
          cursor == null ? "the start (no checkpoint)" : "checkpoint " + cursor.ref().getId());
      problems.forEach(d::notice);
      startDriver(d, j.getSpec());
    }
    admit();
  }

  private void offerFreeWorkers() {
    List<Runnable> offers = new ArrayList<>();
    synchronized (lock) {
      for (JobDriver d : active.values()) {
        freeWorkers.removeIf(w -> !w.isOpen());
        while (!freeWorkers.isEmpty() && d.claimFreeWorkerSlot()) {
          WorkerSession w = freeWorkers.pollFirst();
          driverOfWorker.put(w.workerId(), d);
          offers.add(() -> d.attached(w));
        }
      }
    }
    offers.forEach(Runnable::run);
  }

  // ------------------------------------------------------------------ WorkerEvents

  @Override
  public void attached(WorkerSession s) {
    String jobId = s.requestedJobId();
    if (!jobId.isEmpty()) {
      JobDriver d = active.get(jobId);
      if (d == null) {
        releaseUnneeded(s, jobId);
        return;
      }
      driverOfWorker.put(s.workerId(), d);
      d.attached(s);
      return;
    }
    synchronized (lock) {
      freeWorkers.addLast(s);
    }
    offerFreeWorkers();
  }

  @Override
  public void message(WorkerSession s, WorkerMessage m) {
    JobDriver d = driverOfWorker.get(s.workerId());
    if (d != null) {
      d.message(s, m);
    }
  }

  @Override
  public void detached(WorkerSession s, String why) {
    synchronized (lock) {
      freeWorkers.remove(s);
    }
    JobDriver d = driverOfWorker.remove(s.workerId());
    if (d != null) {
      d.detached(s, why);
    }
  }

  private void checkHeartbeats() {
    long now = nanoClock.getAsLong();
    for (WorkerSession s : sessions.get()) {
      JobDriver d = driverOfWorker.get(s.workerId());
      long limit = d != null ? d.workerTimeoutNanos() : settings.heartbeatTimeout().toNanos();
      long silent = now - s.lastHeardNanos();
      if (silent > limit && d != null) {
        d.unresponsive(s, TimeUnit.NANOSECONDS.toMillis(silent));
      }
    }
    offerFreeWorkers();
  }

  // ------------------------------------------------------------------ CheckpointSink

  @Override
  public Admission admit(String jobId) {
    if (active.containsKey(jobId)) {
      return Admission.accept();
    }
    return store.get(jobId).isPresent()
        ? Admission.refuse("job " + jobId + " is not running (checkpoints are only taken while it runs)")
        : Admission.unknownJob();
  }

  @Override
  public void stored(CheckpointRef ref) {
    JobDriver d = active.get(ref.getJobId());
    if (d != null) {
      d.checkpointStored(ref);
    }
  }

  // ------------------------------------------------------------------ JobServices

  @Override
  public JobStore store() {
    return store;
  }

  @Override
  public JobEventHub hub() {
    return hub;
  }

  @Override
  public WorkerScheduler scheduler() {
    return scheduler;
  }

  @Override
  public ScheduledExecutorService timers() {
    return timers;
  }

  @Override
  public JobSettings settings() {
    return settings;
  }

  @Override
  public LongSupplier nanoClock() {
    return nanoClock;
  }

  @Override
  public LongSupplier wallClock() {
    return wallClock;
  }

  @Override
  public String coordinatorTarget() {
    return coordinatorTarget;
  }

  @Override
  public void evict(String jobId, WorkerSession s) {
    scheduler.evict(jobId, s.pid());
  }

  @Override
  public void releaseUnneeded(WorkerSession s, String jobId) {
    s.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(jobId)
        .setReason("job " + jobId + " does not need this worker").setShutdown(!s.requestedJobId().isEmpty()))
        .build());
    if (s.requestedJobId().isEmpty()) {
      driverOfWorker.remove(s.workerId());
      synchronized (lock) {
        freeWorkers.addLast(s);
      }
    }
  }

  @Override
  public void jobFinished(JobDriver driver, List<WorkerSession> freed) {
    active.remove(driver.id());
    driverOfWorker.values().removeIf(d -> d == driver);
    synchronized (lock) {
      for (WorkerSession w : freed) {
        if (w.isOpen()) {
          freeWorkers.addLast(w);
        }
      }
    }
    timers.execute(() -> {
      scheduler.stop(driver.id());
      admit();
      offerFreeWorkers();
    });
  }

  /**
   * Coordinator shutdown: releases every active job's workers. With a durable store the jobs keep their
   * state and resume when a coordinator restarts on it; with the in-memory store they are cancelled.
   */
  @Override
  public void close() {
    boolean durable = store.durable();
    List<CompletableFuture<Job>> pending = new ArrayList<>();
    for (JobDriver d : active.values()) {
      pending.add(durable ? d.suspend() : d.cancel("coordinator shut down"));
    }
    for (CompletableFuture<Job> f : pending) {
      try {
        f.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("a job did not stop cleanly: {}", e.toString());
      }
    }
    hub.closeAll();
  }
}
