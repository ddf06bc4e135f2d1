package io.ringmaster.coordinator;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.ringmaster.coordinator.api.JobServiceImpl;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.coordinator.config.CoordinatorConfig;
import io.ringmaster.coordinator.config.InvalidConfigException;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.jobs.RetentionPolicy;
import io.ringmaster.coordinator.scheduler.ExternalScheduler;
import io.ringmaster.coordinator.scheduler.LocalProcessScheduler;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.coordinator.checkpoint.CheckpointService;
import io.ringmaster.coordinator.checkpoint.CheckpointStore;
import io.ringmaster.coordinator.store.CachedJobStore;
import io.ringmaster.coordinator.store.SqliteJobStore;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.workers.WorkerControlService;
import io.ringmaster.coordinator.datasets.DatasetLimits;
import io.ringmaster.coordinator.scheduler.CredentialHandingScheduler;
import io.ringmaster.coordinator.security.WorkerAuthenticator;
import io.ringmaster.coordinator.security.WorkerCallGuard;
import io.ringmaster.coordinator.security.WorkerCredentialsInterceptor;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.coordinator.datasets.DatasetServiceImpl;
import io.ringmaster.coordinator.datasets.DatasetStore;
import io.ringmaster.coordinator.datasets.JobFiles;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.job.spec.Violation;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ringmaster coordinator: owns the gRPC server that offers the public {@code JobService}, the
 * worker control plane ({@code WorkerControl}), health and reflection. Start with {@link #start()},
 * stop with {@link #close()}.
 *
 * <p>Embedded use (what {@code ringmaster run} does):
 * <pre>
 * try (CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(dir).build().start()) {
 *   // talk to localhost:c.port() with JobServiceGrpc
 * }
 * </pre>
 */
public final class CoordinatorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);

  /** How workers are obtained for a job. */
  public enum SchedulerKind {
    /** Launch worker JVMs on this machine, one process per rank (the default). */
    LOCAL,
    /** Wait for workers started by hand ({@code ringmaster worker --coordinator ...}) to attach. */
    EXTERNAL,
    /**
     * One worker pod per rank on Kubernetes; the scheduler itself lives in the {@code kubernetes} module
     * and is given with {@link Builder#scheduler(WorkerScheduler)}.
     */
    KUBERNETES
  }

  private final Builder config;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Server server;
  private ScheduledExecutorService timers;
  private WorkerScheduler scheduler;
  private JobStore store;
  private JobManager jobs;
  private HealthStatusManager health;
  private final java.util.List<AutoCloseable> extensionsRunning = new java.util.ArrayList<>();
  private java.util.concurrent.ExecutorService grpcExecutor;
  private TransportSecurity ownedSecurity;

  private CoordinatorServer(Builder config) {
    this.config = config;
  }

  /**
   * With a store that reads from memory, GetJob and ListJobs never block, so they run on the transport's own thread:
   * no handoff to the executor and back, which is most of a small call's CPU. Every other call runs on
   * the bounded executor.
   */
  private static final class ReadsOnTransportThreads implements io.grpc.ServerCallExecutorSupplier {
    /** False for a store that reads from disk: then reads, too, run on the executor. */
    private final boolean readsFromMemory;

    ReadsOnTransportThreads(boolean readsFromMemory) {
      this.readsFromMemory = readsFromMemory;
    }

    private static final java.util.Set<String> READS = java.util.Set.of(
        JobServiceGrpc.getGetJobMethod().getFullMethodName(), JobServiceGrpc.getListJobsMethod().getFullMethodName());

    @Override
    public <ReqT, RespT> java.util.concurrent.Executor getExecutor(io.grpc.ServerCall<ReqT, RespT> call,
        io.grpc.Metadata headers) {
      return readsFromMemory && READS.contains(call.getMethodDescriptor().getFullMethodName()) ? Runnable::run : null;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code server.scheduler: kubernetes} (or {@link Builder#scheduler(SchedulerKind)}) without the scheduler
   * itself: the Kubernetes scheduler lives in the kubernetes module and needs its own settings (image,
   * namespace), which only {@code ringmaster coordinator} turns into one.
   */
  private static InvalidConfigException kubernetesWithoutItsScheduler() {
    return new InvalidConfigException(List.of(new Violation("server.scheduler", "kubernetes needs the Kubernetes"
        + " scheduler's settings, which this coordinator was not given: run `ringmaster coordinator` with"
        + " --k8s-worker-image IMAGE (and --advertise-address HOST:PORT; see docs/KUBERNETES.md), or set"
        + " server.scheduler to local or external")));
  }

  /** Starts the gRPC server; returns this. */
  public CoordinatorServer start() throws IOException {
    if (config.customScheduler == null && config.scheduler == SchedulerKind.KUBERNETES) {
      throw kubernetesWithoutItsScheduler();
    }
    Path jobsDir = config.dataDir.resolve("jobs").toAbsolutePath();
    Files.createDirectories(jobsDir);
    AtomicInteger n = new AtomicInteger();
    timers = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "coordinator-timer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    if (!config.security.isTls() && config.tlsFiles != null) {
      ownedSecurity = TransportSecurity.of(config.tlsFiles); // from tls.* settings: this server closes it
      config.security = ownedSecurity;
    }
    ExposureCheck.requireSecureListener("coordinator", config.host, config.security, config.insecure);
    JobCredentials credentials = config.workerCredentials != null ? config.workerCredentials
        : JobCredentials.inDirectory(config.dataDir);
    WorkerScheduler chosen = config.customScheduler != null ? config.customScheduler : switch (config.scheduler) {
      case LOCAL -> new LocalProcessScheduler(config.localOptions != null ? config.localOptions
          : LocalProcessScheduler.Options.fromCurrentJvm(config.dataDir));
      case EXTERNAL -> new ExternalScheduler();
      case KUBERNETES -> throw kubernetesWithoutItsScheduler();
    };
    scheduler = new CredentialHandingScheduler(chosen, credentials, config.security.files());
    // reads (GetJob, ListJobs) are served from memory; writes reach SQLite before they return
    store = config.store != null ? config.store : new CachedJobStore(SqliteJobStore.openIn(config.dataDir));
    CheckpointStore checkpoints = new CheckpointStore(jobsDir, store);
    DatasetStore datasets = new DatasetStore(config.dataDir.resolve("datasets").toAbsolutePath(),
        config.datasetLimits, System::currentTimeMillis);
    jobs = new JobManager(store, checkpoints, scheduler, config.settings, jobsDir, timers, System::nanoTime,
        System::currentTimeMillis, datasets, config.jobDefaults, config.specLimits, config.dataRoots());
    JobManager manager = jobs;
    JobFiles jobFiles = new JobFiles() {
      @Override
      public java.util.Optional<io.ringmaster.proto.v1.Job> job(String jobId) {
        return manager.get(jobId);
      }

      @Override
      public java.util.Optional<Path> dataFile(String sha256) {
        return manager.dataFile(sha256);
      }

      @Override
      public java.util.List<String> jobsUsing(String sha256) {
        return manager.jobsUsing(sha256);
      }

      @Override
      public boolean isDataFileOf(String jobId, String sha256) {
        return manager.isDataFileOf(jobId, sha256);
      }

      @Override
      public boolean mayRead(Path path) {
        return manager.dataRoots().check("path", path.toString()).isEmpty();
      }
    };
    WorkerAuthenticator workerAuth = new WorkerAuthenticator(credentials, !config.security.isTls());
    long sweepMs = Math.max(1000, Math.min(60_000, config.datasetLimits.uploadExpiry().toMillis() / 4));
    timers.scheduleAtFixedRate(() -> {
      try {
        datasets.sweepExpired();
        datasets.collectUnheld(jobFiles);
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("sweeping expired dataset uploads failed; it runs again in {} ms", sweepMs, e);
      }
    }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    WorkerControlService control = new WorkerControlService(jobs,
        (int) config.settings.heartbeatInterval().toMillis(), System::nanoTime, workerAuth);
    // every other call a worker makes (checkpoints, data files, the model) carries its job's secret
    WorkerCallGuard workerCalls = new WorkerCallGuard(workerAuth);
    health = new HealthStatusManager();
    AtomicInteger grpcThreads = new AtomicInteger();
    // bounded: calls beyond the threads wait in the queue instead of growing the pool under a burst
    grpcExecutor = new java.util.concurrent.ThreadPoolExecutor(config.executorThreads, config.executorThreads,
        60, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "coordinator-grpc-" + grpcThreads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    // one trail for what clients did and what they were refused (docs/SECURITY.md, "Audit trail")
    io.ringmaster.coordinator.auth.AuditTrail audit = new io.ringmaster.coordinator.auth.AuditTrail(store,
        System::currentTimeMillis);
    io.ringmaster.coordinator.auth.ClientAuthInterceptor clientAuth = config.tokens != null
        ? io.ringmaster.coordinator.auth.ClientAuthInterceptor.withTokens(config.tokens, audit)
        : io.ringmaster.coordinator.auth.ClientAuthInterceptor.disabled(audit);
    scheduleAuditRetention(audit, config.auditKeep, config.retention.interval());
    io.ringmaster.coordinator.auth.TokenSource tokens = config.tokens;
    if (tokens instanceof io.ringmaster.coordinator.auth.TokensFileWatcher watcher) {
      // tokens added or revoked in the file apply without a restart (docs/SECURITY.md)
      watcher.every(timers, config.tokensReload);
    }
    // read per call: a re-read tokens file changes quotas too
    java.util.function.Function<String, io.ringmaster.coordinator.auth.TenantQuota> quotas =
        tenant -> tokens == null ? io.ringmaster.coordinator.auth.TenantQuota.UNLIMITED : tokens.tokens().quota(tenant);
    JobServiceImpl jobService = new JobServiceImpl(jobs, audit, quotas);
    // workers present client certificates (checked when given); CLI clients authenticate otherwise
    server = GrpcEndpoints.server(new InetSocketAddress(config.host, config.port), config.security,
            TransportSecurity.ClientAuth.OPTIONAL)
        .executor(grpcExecutor)
        .callExecutor(new ReadsOnTransportThreads(store instanceof CachedJobStore
            || store instanceof io.ringmaster.coordinator.store.InMemoryJobStore))
        .maxInboundMessageSize(config.maxMessageBytes)
        // the client API: every call authenticated (or, without tokens, run as an unauthenticated admin)
        .addService(io.grpc.ServerInterceptors.intercept(jobService, clientAuth))
        .addService(ServerInterceptors.intercept(control, new WorkerCredentialsInterceptor()))
        .addService(ServerInterceptors.intercept(new CheckpointService(checkpoints, jobs), workerCalls))
        // the last interceptor runs first: the worker guard authenticates DownloadFile/UploadModel (and passes
        // the client methods on), then the client interceptor checks the client methods (and refuses a worker
        // method the guard did not authenticate)
        .addService(ServerInterceptors.intercept(new DatasetServiceImpl(datasets, jobFiles), clientAuth, workerCalls))
        .addService(io.grpc.ServerInterceptors.intercept(new io.ringmaster.coordinator.api.AuditServiceImpl(audit),
            clientAuth))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .intercept(new io.ringmaster.coordinator.api.StatusDescriptionCap())
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .build()
        .start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(JobServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(WorkerControlGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(DatasetServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(io.ringmaster.proto.v1.AuditServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    String workerHost = config.host.equals("0.0.0.0") || config.host.equals("::") ? config.advertiseHost : config.host;
    jobs.start(config.workerTarget != null ? config.workerTarget : workerHost + ":" + server.getPort(),
        control::sessions);
    jobs.scheduleRetention(config.retention);
    for (var extension : config.extensions) {
      extensionsRunning.add(extension.apply(jobs, quotas));
    }
    log.info("coordinator listening on {}:{} (scheduler {}, data {}, client auth {}, {})", config.host,
        server.getPort(), config.scheduler.name().toLowerCase(java.util.Locale.ROOT), config.dataDir.toAbsolutePath(),
        tokens == null ? "off" : tokens.tokens().size() + " token(s)"
            + (tokens instanceof io.ringmaster.coordinator.auth.TokensFileWatcher w ? " from " + w.file()
                + ", re-read every " + config.tokensReload.toSeconds() + " s" : ""), config.security);
    return this;
  }

  /** Deletes audit records older than {@code keep} every {@code every} (zero keeps them all). */
  private void scheduleAuditRetention(io.ringmaster.coordinator.auth.AuditTrail audit, java.time.Duration keep,
      java.time.Duration every) {
    if (keep.isZero()) {
      return;
    }
    long period = every.toMillis();
    timers.scheduleWithFixedDelay(() -> {
      try {
        audit.deleteOlderThan(keep);
      } catch (RuntimeException e) {
        log.error("audit retention failed; it runs again in {} ms", period, e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  /** The job layer, for embedding and tests. */
  public JobManager jobs() {
    return jobs;
  }

  /** Stops accepting requests, stops the workers of running jobs, and shuts the server down. */
  @Override
  public void close() {
    if (server == null || !closed.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
    for (AutoCloseable e : extensionsRunning) {
      try {
        e.close();
      } catch (Exception ex) {
        log.warn("closing {}: {}", e, ex.toString());
      }
    }
    jobs.close();
    scheduler.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        // the cancelled calls' callbacks run on the executor: let them finish before it stops
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    timers.shutdownNow();
    grpcExecutor.shutdown();
    store.close();
    if (ownedSecurity != null) {
      ownedSecurity.close();
    }
  }

  /** Blocks until the server has shut down (after {@link #close()} or a shutdown signal). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  public static final class Builder {
    String host = "127.0.0.1";
    String advertiseHost = "127.0.0.1";
    int port = 7070;
    Path dataDir = Path.of("runs");
    SchedulerKind scheduler = SchedulerKind.LOCAL;
    WorkerScheduler customScheduler;
    String workerTarget;
    final java.util.List<java.util.function.BiFunction<JobManager,
        java.util.function.Function<String, io.ringmaster.coordinator.auth.TenantQuota>, AutoCloseable>> extensions =
        new java.util.ArrayList<>();
    JobSettings settings = JobSettings.DEFAULTS;
    io.ringmaster.job.spec.JobDefaults jobDefaults = io.ringmaster.job.spec.JobDefaults.BUILT_IN;
    LocalProcessScheduler.Options localOptions;
    JobStore store;
    DatasetLimits datasetLimits = DatasetLimits.DEFAULTS;

    /**
     * What the dataset store accepts: dataset and store sizes, unfinished uploads, upload expiry; default
     * {@link DatasetLimits#DEFAULTS}.
     */
    public Builder datasetLimits(DatasetLimits limits) {
      this.datasetLimits = Objects.requireNonNull(limits);
      return this;
    }

    TransportSecurity security = TransportSecurity.plaintext();
    io.ringmaster.job.security.TlsFiles tlsFiles;
    boolean insecure;
    JobCredentials workerCredentials;

    /**
     * How the server and everything it starts secure their connections; default plaintext, which is refused
     * on anything but a loopback address unless {@link #insecure(boolean)}. The caller closes it.
     */
    public Builder security(TransportSecurity security) {
      this.security = Objects.requireNonNull(security);
      return this;
    }

    /**
     * Accept plaintext on a non-loopback address (the operator's explicit {@code --insecure}): anyone who
     * can reach the port can then use the API and attach as a free worker.
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The key behind job secrets and ring tokens; default: {@code <dataDir>/worker-auth.key}, made on first
     * start (mode 0600), so workers and pods of a restarted coordinator keep working.
     */
    public Builder workerCredentials(JobCredentials credentials) {
      this.workerCredentials = credentials;
      return this;
    }

    RetentionPolicy retention = RetentionPolicy.KEEP_ALL;
    io.ringmaster.coordinator.auth.TokenSource tokens;
    java.time.Duration tokensReload = io.ringmaster.coordinator.auth.TokensFileWatcher.DEFAULT_INTERVAL;
    java.time.Duration auditKeep = CoordinatorConfig.SecuritySettings.UNSET.auditKeep();

    /** How long audit records are kept (zero: for ever); default {@link CoordinatorConfig#DEFAULT_AUDIT_KEEP_DAYS} days. */
    public Builder auditKeep(java.time.Duration keep) {
      if (keep.isNegative()) {
        throw new IllegalArgumentException("auditKeep must be >= 0, got " + keep);
      }
      this.auditKeep = keep;
      return this;
    }
    io.ringmaster.coordinator.jobs.SpecLimits specLimits = io.ringmaster.coordinator.jobs.SpecLimits.DEFAULTS;
    java.util.List<Path> dataRootDirs;

    /** Bounds on what one job may ask of each worker; default {@link io.ringmaster.coordinator.jobs.SpecLimits#DEFAULTS}. */
    public Builder specLimits(io.ringmaster.coordinator.jobs.SpecLimits limits) {
      this.specLimits = Objects.requireNonNull(limits);
      return this;
    }

    /**
     * Jobs read data files by path only under these directories (an empty list: no path at all, only
     * stored datasets). Not called: any path when clients are not authenticated, none when they are.
     */
    public Builder dataRoots(java.util.List<Path> dirs) {
      this.dataRootDirs = java.util.List.copyOf(dirs);
      return this;
    }

    io.ringmaster.coordinator.jobs.DataRoots dataRoots() {
      if (dataRootDirs == null) {
        return tokens == null ? io.ringmaster.coordinator.jobs.DataRoots.UNCONFINED
            : io.ringmaster.coordinator.jobs.DataRoots.none();
      }
      return dataRootDirs.isEmpty() ? io.ringmaster.coordinator.jobs.DataRoots.none()
          : io.ringmaster.coordinator.jobs.DataRoots.of(dataRootDirs);
    }

    /**
     * Authenticate clients with these tokens (see docs/SECURITY.md): every call of the client API needs
     * one, each tenant sees only its own jobs. Without it (the default, for embedded use) clients are not
     * authenticated and every caller is an admin.
     */
    public Builder clientTokens(io.ringmaster.coordinator.auth.TokenSource tokens) {
      this.tokens = Objects.requireNonNull(tokens);
      return this;
    }

    /**
     * Authenticate clients with the tokens of {@code file}, read now (a bad file throws {@link
     * InvalidConfigException} naming each problem and its line) and again every {@code reloadEvery} while
     * the coordinator runs: tokens added or removed in the file apply without a restart ({@link
     * io.ringmaster.coordinator.auth.TokensFileWatcher}).
     */
    public Builder clientTokensFile(Path file, java.time.Duration reloadEvery) {
      this.tokens = io.ringmaster.coordinator.auth.TokensFileWatcher.open(file, System::currentTimeMillis);
      this.tokensReload = Objects.requireNonNull(reloadEvery);
      return this;
    }
    int maxMessageBytes = CoordinatorConfig.DEFAULT_MAX_MESSAGE_BYTES;
    int executorThreads = CoordinatorConfig.DEFAULT_EXECUTOR_THREADS;

    /** Address to bind; default 127.0.0.1 (use 0.0.0.0 to accept remote workers). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** Address local workers dial when binding to a wildcard address; default 127.0.0.1. */
    public Builder advertiseHost(String host) {
      this.advertiseHost = Objects.requireNonNull(host);
      return this;
    }

    /** Port to bind; 0 picks a free one. Default 7070. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Where job directories (logs, models, checkpoints), stored datasets ({@code datasets/}) and the job
     * store live. Default ./runs.
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir);
      return this;
    }

    /**
     * Something that runs beside the job layer once the coordinator serves (e.g. the Kubernetes
     * TrainingJob reconciler): started with the {@link JobManager}, closed before it.
     */
    public Builder extension(java.util.function.Function<JobManager, AutoCloseable> start) {
      Objects.requireNonNull(start);
      this.extensions.add((jobs, quotas) -> start.apply(jobs));
      return this;
    }

    /**
     * An extension that submits jobs for tenants in-process (the TrainingJob reconciler): started with the
     * {@link JobManager} and each tenant's quota as the client API applies it (from the tokens file;
     * unlimited without client authentication).
     */
    public Builder tenantExtension(java.util.function.BiFunction<JobManager,
        java.util.function.Function<String, io.ringmaster.coordinator.auth.TenantQuota>, AutoCloseable> start) {
      this.extensions.add(Objects.requireNonNull(start));
      return this;
    }

    /** host:port that workers dial (e.g. a Kubernetes Service); default: the bound host and port. */
    public Builder workerTarget(String hostPort) {
      this.workerTarget = hostPort;
      return this;
    }

    public Builder scheduler(SchedulerKind kind) {
      this.scheduler = Objects.requireNonNull(kind);
      return this;
    }

    /**
     * A scheduler built outside this module, used instead of the one {@link #scheduler(SchedulerKind)}
     * names (the Kubernetes one, or the Spark driver's, whose barrier-stage tasks are the workers); the
     * server closes it.
     */
    public Builder scheduler(WorkerScheduler custom) {
      this.customScheduler = Objects.requireNonNull(custom);
      return this;
    }

    /** Limits and timings; default {@link JobSettings#DEFAULTS}. */
    public Builder settings(JobSettings settings) {
      this.settings = Objects.requireNonNull(settings);
      return this;
    }

    /**
     * The installation's defaults for what jobs leave out (worker resources, pod placement); default
     * {@link io.ringmaster.job.spec.JobDefaults#BUILT_IN}.
     */
    public Builder jobDefaults(io.ringmaster.job.spec.JobDefaults defaults) {
      this.jobDefaults = Objects.requireNonNull(defaults);
      return this;
    }

    /** How the local scheduler starts worker JVMs; default: like this JVM. */
    public Builder localSchedulerOptions(LocalProcessScheduler.Options options) {
      this.localOptions = options;
      return this;
    }

    /**
     * The job store, used as it is; default: SQLite in {@code <dataDir>/ringmaster.db}, durable across
     * restarts, with every job also held in memory for reads ({@link CachedJobStore}).
     */
    public Builder store(JobStore store) {
      this.store = store;
      return this;
    }

    /** When finished jobs are deleted; default {@link RetentionPolicy#KEEP_ALL}. */
    public Builder retention(RetentionPolicy retention) {
      this.retention = Objects.requireNonNull(retention);
      return this;
    }

    /**
     * Everything a {@link CoordinatorConfig} says: job settings, retention, gRPC limits, and the server
     * settings it sets (those it leaves unset keep this builder's values).
     */
    public Builder config(CoordinatorConfig c) {
      settings(c.jobs());
      retention(c.retention());
      jobDefaults(c.jobDefaults());
      datasetLimits(c.datasets());
      this.maxMessageBytes = c.maxMessageBytes();
      this.executorThreads = c.executorThreads();
      CoordinatorConfig.ServerSettings s = c.server();
      if (s.host() != null) {
        host(s.host());
      }
      if (s.port() != null) {
        port(s.port());
      }
      if (s.advertiseHost() != null) {
        advertiseHost(s.advertiseHost());
      }
      if (s.dataDir() != null) {
        dataDir(Path.of(s.dataDir()));
      }
      if (s.scheduler() != null) {
        scheduler(SchedulerKind.valueOf(s.scheduler().toUpperCase(java.util.Locale.ROOT)));
      }
      specLimits(c.specLimits());
      CoordinatorConfig.SecuritySettings security = c.security();
      if (security.tokensFile() != null) {
        clientTokensFile(Path.of(security.tokensFile()), security.tokensReload());
      }
      auditKeep(security.auditKeep());
      if (security.dataRoots() != null) {
        dataRoots(security.dataRoots().stream().map(Path::of).toList());
      }
      this.tlsFiles = c.tls().files(); // used unless security(...) gives TLS itself
      return this;
    }

    public CoordinatorServer build() {
      return new CoordinatorServer(this);
    }
  }
}
