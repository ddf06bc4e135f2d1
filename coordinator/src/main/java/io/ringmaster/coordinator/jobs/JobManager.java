package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.checkpoint.CheckpointSink;
import io.ringmaster.coordinator.checkpoint.CheckpointStore;
import io.ringmaster.coordinator.checkpoint.ProvenanceFactory;
import io.ringmaster.coordinator.scheduler.GangDecision;
import io.ringmaster.coordinator.datasets.StoredDatasets;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.workers.FreeWorkerPool;
import io.ringmaster.coordinator.workers.WorkerEvents;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.job.JobState;
import io.ringmaster.job.devices.NativeBuild;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Heartbeat;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.Release;
import io.ringmaster.proto.v1.WorkerMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer of the coordinator: accepts jobs, keeps them in the {@link JobStore}, admits queued
 * jobs up to {@link JobSettings#maxConcurrentJobs()}, and routes worker events to the
 * {@link JobDriver} of the job each worker belongs to.
 *
 * <p><b>Admission.</b> With a scheduler that launches workers (local processes), a queued job is
 * admitted as soon as a job slot is free and its driver launches its workers. With workers started by
 * hand (external scheduler) admission is by gang ({@link GangAdmission}): a job leaves the queue only
 * when all the workers it needs are free and fresh at once, and gets all of them together; it fails with
 * {@code FAILURE_REASON_WORKER_START_TIMEOUT} when fewer workers than it needs are attached for longer
 * than {@link JobSettings#workerStartTimeout()}; jobs are taken in submission order, and a smaller job may
 * start before a bigger one that cannot, until that one has waited {@link JobSettings#workerStartTimeout()}
 * (then nothing overtakes it). After a coordinator restart, jobs that were active wait at the front of
 * the queue for their gang in the same way.
 *
 * <p><b>Hand-started workers.</b> They wait in a {@link FreeWorkerPool} that records their heartbeats;
 * only workers that sent a heartbeat after attaching, within the job's {@code workerTimeoutS}, are
 * handed out (whole gangs to new jobs, single workers to fill a running job's replacement slots). A free
 * worker silent for longer than {@link JobSettings#heartbeatTimeout()} is dropped and its session closed.
 * Every eviction goes through {@link #evict}: the scheduler kills the process if it started one, and the
 * worker's session is closed, so a worker still alive must attach again and beat before it is chosen.
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

  /**
   * Refused submission: the tenant's quota ({@link io.ringmaster.coordinator.auth.TenantQuota}) does not
   * allow it. The message names the quota and what the job asked for.
   */
  public static final class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QuotaExceededException(String message) {
      super(message);
    }
  }

  private final JobStore store;
  private final CheckpointStore checkpoints;
  private final ProvenanceFactory provenance;
  /** Datasets stored on this coordinator, which specs may name. */
  private final StoredDatasets datasets;
  /** Data files of accepted jobs by SHA-256 (from their provenance), served to workers that do not see them. */
  private final Map<String, Path> dataFilesBySha = new ConcurrentHashMap<>();
  /** The SHA-256 of each accepted job's data files (from its provenance): what its workers may download. */
  private final Map<String, java.util.Set<String>> dataFileShasByJob = new ConcurrentHashMap<>();
  private final WorkerScheduler scheduler;
  private final JobSettings settings;
  private final SpecChecker checker;
  /** Where jobs may read data by path (also what CheckFiles may look at). */
  private final DataRoots roots;
  private final Path jobsDir;
  private final ScheduledExecutorService timers;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClock;
  private final JobEventHub hub;
  private volatile String coordinatorTarget = "";
  /** Set by {@link #close}: jobs that end now stop their workers before close returns. */
  private volatile boolean closing;
  private volatile Supplier<Collection<WorkerSession>> sessions = List::of;

  /**
   * A job waiting for admission: validated, and for a job resumed after a coordinator restart
   * (external scheduler only) where it resumes from and what was wrong with newer checkpoints.
   */
  private record Queued(ValidatedJob validated, boolean resuming, RecoveryPlan.CheckpointCursor resumeFrom,
      List<String> problems, long queuedAtNanos) {}

  private final Object lock = new Object();
  /** Held for a whole admission round of a launching scheduler: one round at a time. */
  private final Object admission = new Object();
  /** The next admission round a scheduler asked for ({@link GangDecision#retryAfter()}). */
  private final AdmissionRetry admissionRetry;
  /** Jobs waiting for admission, in admission order (submission order; resumed jobs first). */
  private final LinkedHashMap<String, Queued> queue = new LinkedHashMap<>();
  /** Drivers of STARTING / RUNNING jobs. */
  private final Map<String, JobDriver> active = new ConcurrentHashMap<>();
  /** Hand-started workers (attached without a job id): free or held by a job. Guarded by lock. */
  private final FreeWorkerPool<WorkerSession> pool;
  /** Gang admission to hand-started workers; used only when the scheduler launches no workers. */
  private final GangAdmission<WorkerSession> gangs;
  /** When a job waiting for its gang of hand-started workers gets its QUEUED message shown. Guarded by lock. */
  private final WaitingMessages waitingMessages;
  /** The QUEUED message last stored for each job a launching scheduler holds back. Guarded by lock. */
  private final Map<String, String> shownMessages = new java.util.HashMap<>();
  /** Which driver each busy worker's session belongs to (sessions compare by identity). */
  private final Map<WorkerSession, JobDriver> driverOfWorker = new ConcurrentHashMap<>();
  /**
   * The ND4J native build ({@link NativeBuild} key) of each active job's hand-started ring, set when its
   * gang (or, for a job started without one, its first worker) is reserved: replacements only come from
   * it, since replicas on different builds diverge. Guarded by {@code lock}.
   */
  private final Map<String, String> ringBuild = new HashMap<>();

  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock) {
    this(store, checkpoints, scheduler, settings, jobsDir, timers, nanoClock, wallClock, StoredDatasets.NONE);
  }

  /** A job layer whose specs may name datasets stored in {@code datasets}. */
  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock,
      StoredDatasets datasets) {
    this(store, checkpoints, scheduler, settings, jobsDir, timers, nanoClock, wallClock, datasets,
        io.ringmaster.job.spec.JobDefaults.BUILT_IN, SpecLimits.DEFAULTS, DataRoots.UNCONFINED);
  }

  /**
   * A job layer whose specs may name datasets stored in {@code datasets}, and whose jobs get the
   * installation's {@code jobDefaults} for what they leave out.
   */
  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock,
      StoredDatasets datasets, io.ringmaster.job.spec.JobDefaults jobDefaults) {
    this(store, checkpoints, scheduler, settings, jobsDir, timers, nanoClock, wallClock, datasets, jobDefaults,
        SpecLimits.DEFAULTS, DataRoots.UNCONFINED);
  }

  /**
   * A job layer whose specs may name datasets stored in {@code datasets}, read data files only under
   * {@code roots} and stay within {@code limits}.
   */
  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock,
      StoredDatasets datasets, SpecLimits limits, DataRoots roots) {
    this(store, checkpoints, scheduler, settings, jobsDir, timers, nanoClock, wallClock, datasets,
        io.ringmaster.job.spec.JobDefaults.BUILT_IN, limits, roots);
  }

  /**
   * A job layer whose specs may name datasets stored in {@code datasets}, get the installation's {@code
   * jobDefaults} for what they leave out, read data files only under {@code roots} and stay within {@code limits}.
   */
  public JobManager(JobStore store, CheckpointStore checkpoints, WorkerScheduler scheduler, JobSettings settings,
      Path jobsDir, ScheduledExecutorService timers, LongSupplier nanoClock, LongSupplier wallClock,
      StoredDatasets datasets, io.ringmaster.job.spec.JobDefaults jobDefaults, SpecLimits limits, DataRoots roots) {
    this.datasets = datasets;
    this.store = store;
    this.checkpoints = checkpoints;
    this.provenance = new ProvenanceFactory();
    this.scheduler = scheduler;
    this.settings = settings;
    this.checker = new SpecChecker(settings.maxWorkersPerJob(), datasets, jobDefaults, limits, roots);
    this.roots = roots;
    this.jobsDir = jobsDir;
    this.timers = timers;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
    this.hub = new JobEventHub(wallClock);
    this.pool = new FreeWorkerPool<>(nanoClock);
    this.gangs = new GangAdmission<>(pool, nanoClock, settings.workerStartTimeout(), settings.workerStartTimeout());
    this.waitingMessages = new WaitingMessages(nanoClock, settings.heartbeatInterval());
    this.admissionRetry = new AdmissionRetry(AdmissionRetry.Timer.on(timers), nanoClock, () -> {
      try {
        admit();
        offerFreeWorkers();
      } catch (RuntimeException e) {
        log.error("admission round failed; the next submission or job end runs another", e);
      }
    });
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
    timers.scheduleAtFixedRate(() -> {
      try {
        checkHeartbeats();
      } catch (RuntimeException e) {
        log.error("heartbeat check failed; it runs again in {} ms", period, e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
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
    return enqueue(v, "", io.ringmaster.coordinator.auth.TenantQuota.UNLIMITED);
  }

  /**
   * Validates, stores and queues a job of {@code tenant} (recorded as {@code Job.tenant}) within the
   * tenant's {@code quota}: workers per job and memory per worker are checked against the resolved spec,
   * the tenant's queued and active jobs against {@code maxActiveJobs} at the moment the job is queued.
   *
   * @throws io.ringmaster.job.spec.InvalidSpecException for a bad spec
   * @throws QuotaExceededException when the job would exceed the tenant's quota
   * @throws QueueFullException when {@link JobSettings#maxQueuedJobs()} jobs are already waiting
   */
  public Job submit(io.ringmaster.proto.v1.JobSpec proto, String tenant,
      io.ringmaster.coordinator.auth.TenantQuota quota) {
    return submit(proto, tenant, quota, io.ringmaster.coordinator.datasets.DatasetScope.only(tenant));
  }

  /**
   * As {@link #submit(io.ringmaster.proto.v1.JobSpec, String, io.ringmaster.coordinator.auth.TenantQuota)},
   * naming stored datasets as {@code datasets} sees them (a client call: its caller's; every tenant's for an
   * admin). Another tenant's dataset is refused exactly as an unknown one.
   */
  public Job submit(io.ringmaster.proto.v1.JobSpec proto, String tenant,
      io.ringmaster.coordinator.auth.TenantQuota quota, io.ringmaster.coordinator.datasets.DatasetScope datasets) {
    ValidatedJob v = checker.check(proto, datasets);
    checkQuota(v, tenant, quota);
    return enqueue(v, tenant, quota);
  }

  private static void checkQuota(ValidatedJob v, String tenant, io.ringmaster.coordinator.auth.TenantQuota quota) {
    List<String> over = new ArrayList<>();
    int workers = Math.max(v.spec().workers(), v.spec().ft().maxWorkers());
    if (quota.maxWorkersPerJob() > 0 && workers > quota.maxWorkersPerJob()) {
      over.add("spec.workers (and faultTolerance.maxWorkers): " + workers + " workers, but tenant " + tenant
          + " may use at most " + quota.maxWorkersPerJob() + " per job");
    }
    long memory = (long) v.spec().resources().heapMb() + v.spec().resources().offheapMb();
    if (quota.maxWorkerMemoryMb() > 0 && memory > quota.maxWorkerMemoryMb()) {
      over.add("spec.resources: heapMb + offheapMb = " + memory + " MiB per worker, but tenant " + tenant
          + " may use at most " + quota.maxWorkerMemoryMb() + " MiB per worker");
    }
    if (!over.isEmpty()) {
      throw new QuotaExceededException(String.join("; ", over) + " (quota of the tenant in the coordinator's"
          + " tokens file; ask its operator)");
    }
  }

  /**
   * Validates, stores and queues a job whose data are rows the host holds, not files (the Spark driver's
   * partitions): {@code train} and {@code test} are their shapes (see {@link SpecChecker#checkWithShapes}).
   *
   * @throws io.ringmaster.job.spec.InvalidSpecException for a bad spec
   * @throws QueueFullException when {@link JobSettings#maxQueuedJobs()} jobs are already waiting
   */
  public Job submitWithShapes(io.ringmaster.proto.v1.JobSpec proto, io.ringmaster.job.data.DatasetInfo train,
      io.ringmaster.job.data.DatasetInfo test) {
    return submitWithShapes(proto, train, test, "");
  }

  /**
   * As {@link #submitWithShapes(io.ringmaster.proto.v1.JobSpec, io.ringmaster.job.data.DatasetInfo,
   * io.ringmaster.job.data.DatasetInfo)}, the job recorded as {@code tenant}'s ({@code Job.tenant}).
   */
  public Job submitWithShapes(io.ringmaster.proto.v1.JobSpec proto, io.ringmaster.job.data.DatasetInfo train,
      io.ringmaster.job.data.DatasetInfo test, String tenant) {
    return enqueue(checker.checkWithShapes(proto, train, test), tenant,
        io.ringmaster.coordinator.auth.TenantQuota.UNLIMITED);
  }

  private Job enqueue(ValidatedJob v, String tenant, io.ringmaster.coordinator.auth.TenantQuota quota) {
    String id = JobIds.next(v.spec().label());
    Job job = Job.newBuilder()
        .setId(id)
        .setTenant(tenant)
        .setSpec(v.specProto())
        .setState(io.ringmaster.proto.v1.JobState.JOB_STATE_QUEUED)
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
      if (quota.maxActiveJobs() > 0) {
        long mine = java.util.stream.Stream.concat(queue.keySet().stream(), active.keySet().stream())
            .filter(other -> store.get(other).map(j -> j.getTenant().equals(tenant)).orElse(false)).count();
        if (mine >= quota.maxActiveJobs()) {
          throw new QuotaExceededException("tenant " + tenant + " already has " + mine + " queued or running"
              + " job(s), its quota is " + quota.maxActiveJobs() + "; retry when one has finished, or cancel one");
        }
      }
      store.put(job);
      queue.put(id, new Queued(v, false, null, List.of(), nanoClock.getAsLong()));
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

  /**
   * One page of the listing (see {@link JobStore#page}): active jobs as they are now, the others as
   * stored. The state filter applies to the stored state, which an active job's driver updates at every
   * state change.
   */
  public List<Job> page(Collection<io.ringmaster.proto.v1.JobState> states,
      io.ringmaster.coordinator.store.JobCursor after, int limit) {
    return page(states, null, after, limit);
  }

  /** {@link #page(Collection, io.ringmaster.coordinator.store.JobCursor, int)} of one tenant (null: all). */
  public List<Job> page(Collection<io.ringmaster.proto.v1.JobState> states, String tenant,
      io.ringmaster.coordinator.store.JobCursor after, int limit) {
    List<Job> out = new ArrayList<>();
    for (Job j : store.page(states, tenant, after, limit)) {
      JobDriver d = active.get(j.getId());
      out.add(d != null ? d.snapshot() : j);
    }
    return out;
  }

  /** Refused deletion: the job is queued or active. */
  public static final class JobActiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobActiveException(String message) {
      super(message);
    }
  }

  /**
   * Deletes a finished job: its stored record and checkpoint references, then its directory under the
   * jobs directory (logs, model, checkpoint files). Empty for an unknown id.
   *
   * @throws JobActiveException when the job is queued or active (cancel it first)
   * @throws java.io.UncheckedIOException when the record is gone but the directory could not be removed
   */
  public Optional<Job> delete(String id) {
    Job deleted;
    synchronized (lock) {
      Optional<Job> stored = active.containsKey(id) ? current(id) : store.get(id);
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      deleted = stored.get();
      if (queue.containsKey(id) || active.containsKey(id) || !JobState.fromProto(deleted.getState()).isTerminal()) {
        throw new JobActiveException("job " + id + " is " + JobState.shortName(deleted.getState()) + ": only finished jobs (SUCCEEDED,"
            + " FAILED, CANCELLED) can be deleted; cancel it first (ringmaster cancel " + id + ")");
      }
      store.delete(id);
    }
    hub.forget(id);
    JobFiles.deleteDirectory(jobsDir, id);
    log.info("job {} deleted ({})", id, JobState.shortName(deleted.getState()));
    return Optional.of(deleted);
  }

  /**
   * Deletes the finished jobs that {@code policy} says are expired, paging through them newest first.
   * A job that cannot be deleted (it vanished meanwhile, its directory resists) is logged and skipped.
   *
   * @return the ids deleted
   */
  public List<String> applyRetention(RetentionPolicy policy) {
    if (!policy.deletesAnything()) {
      return List.of();
    }
    List<io.ringmaster.proto.v1.JobState> finished = List.of(io.ringmaster.proto.v1.JobState.JOB_STATE_SUCCEEDED,
        io.ringmaster.proto.v1.JobState.JOB_STATE_FAILED, io.ringmaster.proto.v1.JobState.JOB_STATE_CANCELLED);
    long now = wallClock.getAsLong();
    List<String> expired = new ArrayList<>();
    long seen = 0;
    io.ringmaster.coordinator.store.JobCursor after = null;
    while (true) {
      List<Job> page = store.page(finished, after, 200);
      for (Job j : page) {
        if (policy.expired(j, seen++, now)) {
          expired.add(j.getId());
        }
      }
      if (page.size() < 200) {
        break;
      }
      after = io.ringmaster.coordinator.store.JobCursor.of(page.get(page.size() - 1));
    }
    List<String> deleted = new ArrayList<>();
    for (String id : expired) {
      try {
        delete(id).ifPresent(j -> deleted.add(id));
      } catch (RuntimeException e) {
        log.warn("retention: job {} not deleted: {}", id, e.getMessage());
      }
    }
    if (!deleted.isEmpty()) {
      log.info("retention ({}): deleted {} finished job(s)", policy, deleted.size());
    }
    return deleted;
  }

  /** Applies {@code policy} now and every {@link RetentionPolicy#interval()} on the coordinator's timers. */
  public void scheduleRetention(RetentionPolicy policy) {
    if (!policy.deletesAnything()) {
      return;
    }
    long period = policy.interval().toMillis();
    timers.scheduleWithFixedDelay(() -> {
      try {
        applyRetention(policy);
      } catch (RuntimeException e) {
        log.error("retention sweep failed; it runs again in {} ms", period, e);
      }
    }, 0, period, TimeUnit.MILLISECONDS);
  }

  /** Cancels a job; a finished job is returned unchanged. Empty for an unknown id. */
  public Optional<CompletableFuture<Job>> cancel(String id) {
    synchronized (lock) {
      Queued q = queue.remove(id);
      if (q != null) {
        Job j = store.get(id).orElseThrow().toBuilder()
            .setState(io.ringmaster.proto.v1.JobState.JOB_STATE_CANCELLED)
            .setMessage(q.resuming() ? "cancelled by user while waiting for workers after a coordinator restart"
                : "cancelled by user while queued")
            .setFinishedAtMs(wallClock.getAsLong()).build();
        hub.publish(JobEvent.Kind.STATE_CHANGED, j, JobEvent.newBuilder(), store::put); // stores it numbered
        return Optional.of(CompletableFuture.completedFuture(j));
      }
    }
    JobDriver d = active.get(id);
    if (d != null) {
      return Optional.of(d.cancel("cancelled by user"));
    }
    return store.get(id).map(CompletableFuture::completedFuture);
  }

  /** Streams the job's events to {@code watcher} from its beginning (a SNAPSHOT); false for an unknown id. */
  public boolean watch(String id, StreamObserver<JobEvent> watcher) {
    return watch(id, 0, watcher);
  }

  /**
   * Streams the job's events to {@code watcher}, resuming at {@code fromSequence} (0: a SNAPSHOT first;
   * see {@link JobEventHub}); false for an unknown id.
   */
  public boolean watch(String id, long fromSequence, StreamObserver<JobEvent> watcher) {
    if (current(id).isEmpty()) {
      return false;
    }
    hub.subscribe(() -> current(id).orElseThrow(), fromSequence, watcher);
    return true;
  }

  private Optional<Job> current(String id) {
    JobDriver d = active.get(id);
    return d != null ? Optional.of(d.snapshot()) : store.get(id);
  }

  // ------------------------------------------------------------------ admission

  private void admit() {
    if (scheduler.launchesWorkers()) {
      admitToLaunch();
    } else {
      admitGangs();
    }
  }

  /**
   * A scheduler that launches workers: start queued jobs, in queue order, while job slots are free and the
   * scheduler admits their gang ({@link WorkerScheduler#admit}: always for local processes; for Kubernetes
   * when the cluster can hold every pod of the job at once). A job the scheduler cannot admit stays QUEUED
   * with the scheduler's reason as its message, and admission runs again after the scheduler's
   * {@link GangDecision#retryAfter()}; later jobs in the queue may start meanwhile. One round at a time.
   */
  private void admitToLaunch() {
    synchronized (admission) {
      List<Map.Entry<String, Queued>> candidates;
      synchronized (lock) {
        candidates = new ArrayList<>(queue.entrySet());
      }
      List<JobDriver> toStart = new ArrayList<>();
      Map<JobDriver, String> notes = new java.util.HashMap<>();
      List<Runnable> after = new ArrayList<>();
      for (Map.Entry<String, Queued> c : candidates) {
        synchronized (lock) {
          if (active.size() >= settings.maxConcurrentJobs()) {
            break;
          }
          if (!queue.containsKey(c.getKey())) {
            continue;
          }
        }
        GangDecision gang = scheduler.admit(c.getKey(), c.getValue().validated().spec());
        synchronized (lock) {
          if (!queue.containsKey(c.getKey())) {
            scheduler.stop(c.getKey()); // cancelled meanwhile: give back what was reserved
            continue;
          }
          if (!gang.admitted()) {
            showQueuedMessage(c.getKey(), gang.reason(), after);
            admissionRetry.within(gang.retryAfter());
            continue;
          }
          queue.remove(c.getKey());
          shownMessages.remove(c.getKey());
          Queued q = c.getValue();
          Job stored = store.get(c.getKey()).orElseThrow();
          JobDriver d = new JobDriver(this, stored, q.validated(), q.resuming(), q.resumeFrom(),
              newJobThread(stored.getId()));
          active.put(d.id(), d);
          toStart.add(d);
          if (!gang.reason().isEmpty()) {
            notes.put(d, gang.reason());
          }
        }
      }
      after.forEach(Runnable::run);
      for (JobDriver d : toStart) {
        if (notes.containsKey(d)) {
          d.notice(notes.get(d)); // queued on the job's thread before its start
        }
        startDriver(d, store.get(d.id()).orElseThrow().getSpec());
      }
    }
  }

  /** Stores (and publishes as a NOTICE) a waiting job's new QUEUED message; caller holds the lock. */
  private void showQueuedMessage(String id, String message, List<Runnable> after) {
    if (message.equals(shownMessages.put(id, message))) {
      return; // unchanged since the last round
    }
    Job j = store.get(id).orElseThrow();
    if (!j.getMessage().equals(message)) {
      Job updated = j.toBuilder().setMessage(message).build();
      store.put(updated);
      after.add(() -> hub.publish(JobEvent.Kind.NOTICE, updated, JobEvent.newBuilder().setNotice(message)));
    }
  }

  /**
   * Hand-started workers: one {@link GangAdmission} round. Admitted jobs get their drivers and their
   * whole gang at once (handed over before the driver starts; it forms the ring when it starts), jobs
   * that cannot start fail, and the others' QUEUED message says what they wait for.
   */
  private void admitGangs() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (queue.isEmpty()) {
        return;
      }
      List<GangAdmission.Waiting> waiting = new ArrayList<>();
      queue.forEach((id, q) -> waiting.add(new GangAdmission.Waiting(id, q.validated().spec().workers(),
          workerTimeoutNanos(q.validated()), q.queuedAtNanos())));
      var round = gangs.round(waiting, settings.maxConcurrentJobs() - active.size());
      for (var admitted : round.admitted()) {
        Queued q = queue.remove(admitted.jobId());
        Job stored = store.get(admitted.jobId()).orElseThrow();
        JobDriver d = new JobDriver(this, stored, q.validated(), q.resuming(), q.resumeFrom(),
            newJobThread(stored.getId()));
        active.put(d.id(), d);
        ringBuild.put(d.id(), pool.buildOf(admitted.gang().get(0)));
        for (WorkerSession w : admitted.gang()) {
          d.claimFreeWorkerSlot();
          driverOfWorker.put(w, d);
        }
        // one event for the whole gang, queued on the job's thread before anything else can report one of
        // these workers gone
        d.attachedGang(admitted.gang());
        log.info("job {}: admitted with workers {}", d.id(),
            admitted.gang().stream().map(WorkerSession::workerId).toList());
        after.add(() -> {
          q.problems().forEach(d::notice);
          startDriver(d, stored.getSpec());
        });
      }
      for (var timedOut : round.timedOut()) {
        queue.remove(timedOut.jobId());
        Job failed = store.get(timedOut.jobId()).orElseThrow().toBuilder()
            .setState(io.ringmaster.proto.v1.JobState.JOB_STATE_FAILED)
            .setReason(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT)
            .setMessage(timedOut.message()).setFinishedAtMs(wallClock.getAsLong()).build();
        hub.publish(JobEvent.Kind.STATE_CHANGED, failed, JobEvent.newBuilder(), store::put); // stores it numbered
        log.warn("job {} failed: {}", failed.getId(), failed.getMessage());
      }
      waitingMessages.retainOnly(queue.keySet());
      round.waiting().forEach((id, message) -> {
        if (!waitingMessages.show(id, message)) {
          return; // unchanged, or the last one is too recent: a later round shows the newest
        }
        Job j = store.get(id).orElseThrow();
        if (!j.getMessage().equals(message)) {
          Job updated = j.toBuilder().setMessage(message).build();
          hub.publish(JobEvent.Kind.NOTICE, updated, JobEvent.newBuilder().setNotice(message), store::put);
        }
      });
    }
    after.forEach(Runnable::run);
  }

  private static long workerTimeoutNanos(ValidatedJob v) {
    return (long) (v.spec().ft().workerTimeoutS() * 1e9);
  }

  private void startDriver(JobDriver d, io.ringmaster.proto.v1.JobSpec spec) {
    timers.execute(() -> {
      io.ringmaster.proto.v1.Provenance p;
      try {
        p = provenance.of(spec, dataFiles(spec));
        java.util.Set<String> shas = new java.util.HashSet<>();
        for (var f : p.getDataFilesList()) {
          dataFilesBySha.put(f.getSha256(), Path.of(f.getPath()));
          shas.add(f.getSha256());
        }
        dataFileShasByJob.put(d.id(), java.util.Set.copyOf(shas));
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("job {}: cannot compute provenance (data file hashes): {}", d.id(), e.toString());
        p = io.ringmaster.proto.v1.Provenance.newBuilder()
            .setSpecSha256(ProvenanceFactory.specSha256(spec)).build();
      }
      d.start(p);
      offerFreeWorkers();
    });
  }

  private List<Path> dataFiles(io.ringmaster.proto.v1.JobSpec spec) {
    List<Path> files = new ArrayList<>();
    for (var ref : List.of(spec.getData().getTrain(), spec.getData().getTest())) {
      if (!ref.getDataset().isEmpty()) {
        datasets.find(io.ringmaster.coordinator.datasets.DatasetScope.EVERY_TENANT, ref.getDataset()).ifPresent(f -> files.add(f.path()));
      } else {
        files.add(Path.of(ref.getPath()));
      }
      if (!ref.getLabelsDataset().isEmpty()) {
        datasets.find(io.ringmaster.coordinator.datasets.DatasetScope.EVERY_TENANT, ref.getLabelsDataset()).ifPresent(f -> files.add(f.path()));
      } else if (!ref.getLabelsPath().isEmpty()) {
        files.add(Path.of(ref.getLabelsPath()));
      }
    }
    return files;
  }

  /** Where jobs may read data files by path. */
  public DataRoots dataRoots() {
    return roots;
  }

  /**
   * A data file of a job this coordinator accepted, by its SHA-256 (as recorded in the job's provenance):
   * what {@code DatasetService.DownloadFile} serves to workers that do not see the path.
   */
  public Optional<Path> dataFile(String sha256) {
    return Optional.ofNullable(dataFilesBySha.get(sha256));
  }

  /**
   * Whether {@code sha256} is a data file of job {@code jobId}: a stored dataset its spec names, or a file its
   * provenance recorded. The files a worker authenticated for that job may download.
   */
  public boolean isDataFileOf(String jobId, String sha256) {
    if (dataFileShasByJob.getOrDefault(jobId, java.util.Set.of()).contains(sha256)) {
      return true;
    }
    return get(jobId).map(j -> {
      for (var ref : List.of(j.getSpec().getData().getTrain(), j.getSpec().getData().getTest())) {
        if (sha256.equals(ref.getDataset()) || sha256.equals(ref.getLabelsDataset())) {
          return true;
        }
      }
      return false;
    }).orElse(false);
  }

  /** Ids of the jobs that have not finished whose spec names the stored dataset {@code sha256}. */
  public List<String> jobsUsing(String sha256) {
    List<String> ids = new ArrayList<>();
    for (Job j : list()) {
      if (JobState.fromProto(j.getState()).isTerminal()) {
        continue;
      }
      for (var ref : List.of(j.getSpec().getData().getTrain(), j.getSpec().getData().getTest())) {
        if (sha256.equals(ref.getDataset()) || sha256.equals(ref.getLabelsDataset())) {
          ids.add(j.getId());
          break;
        }
      }
    }
    return ids;
  }

  /**
   * After a restart on the same store: queued jobs are queued again, active jobs resume from their
   * newest valid checkpoint with new workers, finished jobs stay as they are.
   */
  private void recoverJobs() {
    LinkedHashMap<String, Queued> resumedFirst = new LinkedHashMap<>();
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
        Job failed = j.toBuilder().setState(io.ringmaster.proto.v1.JobState.JOB_STATE_FAILED).setReason(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_INVALID_SPEC)
            .setMessage("after a coordinator restart the job is no longer valid: " + e.getMessage())
            .setFinishedAtMs(wallClock.getAsLong()).build();
        store.put(failed);
        log.warn("job {}: {}", j.getId(), failed.getMessage());
        continue;
      }
      if (state == JobState.QUEUED) {
        synchronized (lock) {
          queue.put(j.getId(), new Queued(v, false, null, List.of(), nanoClock.getAsLong()));
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
      if (!scheduler.launchesWorkers()) {
        // hand-started workers: wait at the front of the queue for a whole gang, like a new job
        resumed = resumed.toBuilder().setState(io.ringmaster.proto.v1.JobState.JOB_STATE_RECOVERING)
            .setMessage("coordinator restarted: waiting for " + v.spec().workers() + " free worker(s) to resume "
                + (cursor == null ? "from the start (no checkpoint)" : "from checkpoint " + cursor.ref().getId()))
            .build();
        store.put(resumed);
        resumedFirst.put(j.getId(), new Queued(v, true, cursor, problems, nanoClock.getAsLong()));
        log.info("job {}: waiting for its workers to resume after the restart", j.getId());
        continue;
      }
      JobDriver d = new JobDriver(this, resumed, v, true, cursor, newJobThread(j.getId()));
      active.put(j.getId(), d);
      log.info("job {}: resuming after the restart from {}", j.getId(),
          cursor == null ? "the start (no checkpoint)" : "checkpoint " + cursor.ref().getId());
      problems.forEach(d::notice);
      startDriver(d, j.getSpec());
    }
    synchronized (lock) {
      resumedFirst.putAll(queue);
      queue.clear();
      queue.putAll(resumedFirst);
    }
    admit();
  }

  /**
   * Fills active jobs' open free-worker slots (replacements for lost workers, external scheduler only),
   * one fresh free worker per slot, of the ND4J build of the job's ring: a free worker of another build
   * is left free (the slot stays open until one of the ring's build comes).
   */
  private void offerFreeWorkers() {
    synchronized (lock) {
      for (JobDriver d : active.values()) {
        long fresh = d.workerTimeoutNanos();
        while (true) {
          String build = ringBuild.get(d.id());
          if ((build == null ? pool.ready(fresh) : pool.ready(fresh, build)) == 0 || !d.claimFreeWorkerSlot()) {
            break;
          }
          WorkerSession w = (build == null ? pool.reserveGang(1, fresh).map(g -> g.get(0))
              : pool.reserveOne(fresh, build)).orElseThrow();
          ringBuild.putIfAbsent(d.id(), pool.buildOf(w));
          driverOfWorker.put(w, d);
          log.info("job {}: {} fills an open slot", d.id(), w);
          d.attached(w); // queued on the job's thread before anything else can report this worker gone
        }
      }
    }
  }

  /** Another admission round and slot filling, off the caller's thread. */
  private void handOutLater() {
    try {
      timers.execute(() -> {
        admit();
        offerFreeWorkers();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("coordinator shutting down: no more hand-outs");
    }
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
      driverOfWorker.put(s, d);
      d.attached(s);
      return;
    }
    synchronized (lock) {
      pool.attached(s, NativeBuild.of(s.devices())); // handed out only after its first heartbeat
    }
  }

  @Override
  public void heartbeat(WorkerSession s, Heartbeat beat) {
    boolean eligible;
    synchronized (lock) {
      eligible = pool.heartbeat(s, 2 * settings.heartbeatInterval().toNanos());
    }
    if (eligible) {
      handOutLater();
    }
    JobDriver d = driverOfWorker.get(s);
    if (d != null && beat.hasActivity()) {
      d.activity(s, beat.getActivity()); // feeds the job's no-progress watchdog
    }
  }

  @Override
  public void message(WorkerSession s, WorkerMessage m) {
    JobDriver d = driverOfWorker.get(s);
    if (d != null) {
      d.message(s, m);
    }
  }

  @Override
  public void detached(WorkerSession s, String why) {
    boolean handStarted;
    synchronized (lock) {
      handStarted = pool.contains(s);
      pool.remove(s);
    }
    JobDriver d = driverOfWorker.remove(s);
    if (d != null) {
      d.detached(s, why);
    }
    if (handStarted && !scheduler.launchesWorkers()) {
      handOutLater(); // fewer workers known: waiting jobs' messages (and start timeouts) change
    }
  }

  /**
   * Every heartbeat interval: workers of jobs silent for longer than their job's worker timeout are
   * reported to their job (which evicts them); free workers silent for longer than the coordinator's
   * heartbeat timeout are dropped and their sessions closed; then another hand-out round.
   */
  private void checkHeartbeats() {
    long now = nanoClock.getAsLong();
    for (WorkerSession s : sessions.get()) {
      JobDriver d = driverOfWorker.get(s);
      if (d != null && now - s.lastHeardNanos() > d.workerTimeoutNanos()) {
        d.unresponsive(s, TimeUnit.NANOSECONDS.toMillis(now - s.lastHeardNanos()));
      }
    }
    List<WorkerSession> silent;
    synchronized (lock) {
      silent = pool.silentFree(settings.heartbeatTimeout().toNanos());
    }
    for (WorkerSession s : silent) {
      String why = "no heartbeat for " + String.format(Locale.ROOT, "%.1f", (now - s.lastHeardNanos()) / 1e9)
          + " s (coordinator heartbeat timeout " + settings.heartbeatTimeout().toSeconds() + " s): dropped from"
          + " the free workers; attach again to be given work";
      log.warn("{}: {}", s, why);
      s.close(Status.UNAVAILABLE.withDescription(why));
    }
    if (!scheduler.launchesWorkers()) {
      admit();
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
  public ExecutorService newJobThread(String jobId) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "job-" + jobId);
      t.setDaemon(true);
      return t;
    });
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

  /**
   * The one way a job gives up on a worker: the scheduler kills the process if it started it, and the
   * worker's session is closed (ABORTED, saying why) and forgotten, so that a worker still alive (e.g.
   * behind a cut link) is never handed work on its old session: it must attach again and send a
   * heartbeat first. The session's end is reported through {@link #detached} like any other.
   */
  @Override
  public void evict(String jobId, WorkerSession s) {
    scheduler.evict(jobId, s.pid(), s.slot());
    s.close(Status.ABORTED.withDescription("evicted from job " + jobId + ": the coordinator gave up on this"
        + " worker (silent, stalled or not pausing); attach again to be given work"));
  }

  @Override
  public void releaseUnneeded(WorkerSession s, String jobId) {
    s.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(jobId)
        .setReason("job " + jobId + " does not need this worker").setShutdown(!s.requestedJobId().isEmpty()))
        .build());
    if (s.requestedJobId().isEmpty()) {
      driverOfWorker.remove(s);
      synchronized (lock) {
        pool.release(s);
      }
      handOutLater();
    }
  }

  /**
   * The job's gang could not be placed (the scheduler removed its workers) and the job is QUEUED again:
   * it goes to the back of the queue, keeping how it resumes, and admission asks the scheduler again
   * (which applies its own backoff).
   */
  @Override
  public void jobRequeued(JobDriver driver, String reason) {
    active.remove(driver.id());
    synchronized (lock) {
      ringBuild.remove(driver.id());
    }
    driverOfWorker.values().removeIf(d -> d == driver);
    log.info("job {}: requeued ({})", driver.id(), reason);
    timers.execute(() -> {
      scheduler.stop(driver.id());
      synchronized (lock) {
        queue.put(driver.id(), new Queued(driver.validated(), driver.resuming(), driver.resumeFrom(), List.of(),
            nanoClock.getAsLong()));
      }
      admit();
    });
  }

  @Override
  public void jobFinished(JobDriver driver, List<WorkerSession> freed) {
    active.remove(driver.id());
    synchronized (lock) {
      ringBuild.remove(driver.id());
    }
    List<WorkerSession> held = new ArrayList<>(freed); // in the job's order: released in it
    // sessions compare by identity; the set keeps this O(workers), not O(workers²), for a large gang
    java.util.Set<WorkerSession> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    seen.addAll(freed);
    driverOfWorker.forEach((w, d) -> {
      if (d == driver && seen.add(w)) {
        held.add(w);
      }
    });
    driverOfWorker.values().removeIf(d -> d == driver);
    synchronized (lock) {
      for (WorkerSession w : held) {
        if (w.isOpen()) {
          pool.release(w); // only hand-started workers are in the pool
        }
      }
    }
    if (closing) {
      // the coordinator is shutting down and closes the scheduler next: stop the workers (delete the pods)
      // now, not on a timer that may never run or run after the scheduler's client is closed
      scheduler.stop(driver.id());
      return;
    }
    timers.execute(() -> {
      scheduler.stop(driver.id());
      admit();
      offerFreeWorkers();
    });
  }

  /**
   * Coordinator shutdown: releases every active job's workers. With a durable store the jobs keep their
   * state (and a Kubernetes job its pods) and resume when a coordinator restarts on it; with the in-memory
   * store they are cancelled, and their workers are stopped (their pods deleted) before this returns.
   */
  @Override
  public void close() {
    closing = true;
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
