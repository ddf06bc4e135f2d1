package io.ringmaster.worker;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.ServerInterceptors;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TransportSecurity;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.Version;
import io.ringmaster.job.devices.GpuCheck;
import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.Heartbeat;
import io.ringmaster.proto.v1.Hello;
import io.ringmaster.proto.v1.ModelSaved;
import io.ringmaster.proto.v1.Ready;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerFailure;
import io.ringmaster.proto.v1.WorkerMessage;
import io.ringmaster.worker.data.DataFetcher;
import io.ringmaster.worker.data.SpecFileData;
import io.ringmaster.worker.devices.DeviceDiscovery;
import io.ringmaster.worker.devices.Nd4jDeviceDiscovery;
import io.ringmaster.worker.collective.CollectiveException;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.collective.CollectiveTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker, usable as a library: it runs a gRPC server for the collective data plane (plus health and
 * reflection), attaches to the coordinator's {@code WorkerControl} stream, and carries out the
 * commands it receives (Assign, RunEpoch, SaveModel, Release) on one job thread. {@link WorkerCommand}
 * wraps it in a process; a Spark executor can host one in-process.
 *
 * <p>Every command ends in an answer: Assign in Ready or WorkerFailure; RunEpoch in EpochResult, Paused
 * (for the worker's current generation) or WorkerFailure; Pause in Paused for its generation, unless it
 * is stale (the ring was re-formed since: ignored) or the stopped epoch already answered it; SaveModel
 * in ModelSaved or WorkerFailure. Every heartbeat carries the worker's {@link WorkerActivity}: NO_JOB
 * without a job, WAITING between commands, else what the running command does.
 *
 * <p>Losing the coordinator ends the current job: the worker drops its replica and leaves the job's
 * rings. A worker launched for one job ({@code jobId} set) then stops; a free worker keeps running,
 * re-attaches, and serves whatever job it is given next (the same one included, built afresh).
 */
public final class WorkerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
  private static final long STALL_REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * @param coordinatorTarget host:port of the coordinator
   * @param host address peers use to reach this worker
   * @param port port of this worker's gRPC server; 0 picks one
   * @param jobId only take this job (set by schedulers); empty for a free worker
   * @param workerId unique id; empty picks a random one
   * @param slot the scheduler's index of this worker; -1 when started by hand
   * @param logPath where the scheduler sends this worker's output; empty if unknown
   * @param dataDir this worker's own data directory: datasets fetched from the coordinator are cached there
   *     by hash, rank 0 writes the model there before uploading it; null means {@link #DEFAULT_DATA_DIR}
   * @param cacheMaxBytes most bytes the dataset cache ({@code dataDir/cache}) keeps once the files no job of
   *     this worker uses are evicted, least recently used first; 0 means no limit
   * @param security how this worker talks to the coordinator and its peers; null means {@link Security#LOOPBACK}
   */
  public record Config(String coordinatorTarget, String host, int port, String jobId, String workerId, int slot,
      String logPath, Path dataDir, long cacheMaxBytes, Security security) {
    /** A worker with the given data directory and the default cache bound, plaintext (loopback only). */
    public Config(String coordinatorTarget, String host, int port, String jobId, String workerId, int slot,
        String logPath, Path dataDir) {
      this(coordinatorTarget, host, port, jobId, workerId, slot, logPath, dataDir, DEFAULT_CACHE_MAX_BYTES, null);
    }

    /** A worker with the given data directory and cache bound, plaintext (loopback only). */
    public Config(String coordinatorTarget, String host, int port, String jobId, String workerId, int slot,
        String logPath, Path dataDir, long cacheMaxBytes) {
      this(coordinatorTarget, host, port, jobId, workerId, slot, logPath, dataDir, cacheMaxBytes, null);
    }

    /** A worker with the given data directory and security, and the default cache bound. */
    public Config(String coordinatorTarget, String host, int port, String jobId, String workerId, int slot,
        String logPath, Path dataDir, Security security) {
      this(coordinatorTarget, host, port, jobId, workerId, slot, logPath, dataDir, DEFAULT_CACHE_MAX_BYTES, security);
    }

    /** Default data directory: {@code ringmaster-worker} in the system's temporary directory. */
    public static final Path DEFAULT_DATA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "ringmaster-worker");
    /** Default bound of the dataset cache: 10 GiB. */
    public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;

    /** A worker with the default data directory and cache bound. */
    public Config(String coordinatorTarget, String host, int port, String jobId, String workerId, int slot,
        String logPath) {
      this(coordinatorTarget, host, port, jobId, workerId, slot, logPath, null, DEFAULT_CACHE_MAX_BYTES);
    }

    public Config {
      if (cacheMaxBytes < 0) {
        throw new IllegalArgumentException("cacheMaxBytes must be >= 0 (0: no limit), got " + cacheMaxBytes);
      }
      security = security == null ? Security.LOOPBACK : security;
      dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir.toAbsolutePath();
      Objects.requireNonNull(coordinatorTarget, "coordinatorTarget");
      Objects.requireNonNull(host, "host");
      jobId = jobId == null ? "" : jobId;
      logPath = logPath == null ? "" : logPath;
      workerId = workerId == null || workerId.isEmpty() ? "w-" + UUID.randomUUID().toString().substring(0, 8) : workerId;
    }
  }

  /**
   * How a worker proves itself and protects its connections.
   *
   * @param transport plaintext, or TLS with this worker's certificate: presented to the coordinator and to
   *     peers, and required from peers by this worker's server
   * @param jobSecret the job's secret when a scheduler started this worker for a job (from {@code
   *     RINGMASTER_JOB_SECRET}); sent in the {@code ringmaster-job-secret} header of every call to the
   *     coordinator; empty for a worker started by hand (it proves itself with its certificate)
   * @param insecure the operator accepted plaintext beyond loopback ({@code --insecure})
   */
  public record Security(io.ringmaster.job.security.TransportSecurity transport, String jobSecret, boolean insecure) {
    /** Plaintext without credentials: loopback only (and coordinators that admit anonymous free workers). */
    public static final Security LOOPBACK = new Security(null, "", false);

    public Security {
      transport = transport == null ? io.ringmaster.job.security.TransportSecurity.plaintext() : transport;
      jobSecret = jobSecret == null ? "" : jobSecret;
    }

    @Override
    public String toString() {
      return "Security[" + transport + ", job secret " + (jobSecret.isEmpty() ? "none" : "hidden")
          + (insecure ? ", insecure accepted" : "") + "]";
    }
  }

  private final Config config;
  /** The credentials this worker's calls to the coordinator carry (see the class). */
  private final CoordinatorCallCredentials callCredentials;
  /** This worker's data, given the channel to the coordinator (which serves the files it cannot see). */
  private final java.util.function.Function<io.grpc.Channel, WorkerData> dataOver;
  /** Where the rows come from: made in {@link #start}, once the channel exists; read on the job thread. */
  private WorkerData data;
  private final WorkerEnvironment env;
  private final CollectiveService collective;
  private final ExecutorService jobThread;
  private final ScheduledExecutorService timer;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;
  private StreamObserver<WorkerMessage> outbound;
  private ScheduledFuture<?> heartbeats;
  private volatile JobRunner runner;
  private final PeerStateClient peerState;
  private volatile long lastStallReportNanos;
  private boolean nativeBuildLogged;
  private volatile boolean closing;
  private volatile String exitReason = "";
  private DeviceDiscovery deviceDiscovery = new Nd4jDeviceDiscovery();
  /** What this worker computes on, found before it first attaches. */
  private volatile ComputeDevices devices = ComputeDevices.getDefaultInstance();

  /** A worker on the system clocks and its own threads ({@link WorkerEnvironment#system()}). */
  public WorkerRuntime(Config config) {
    this(config, WorkerEnvironment.system());
  }

  /** A worker on the given clocks and threads; it owns the executors and shuts them down on close. */
  public WorkerRuntime(Config config, WorkerEnvironment env) {
    this(config, env, channel -> new SpecFileData(new DataFetcher(new io.ringmaster.worker.data.DatasetCache(
        config.dataDir().resolve("cache"), config.cacheMaxBytes(), env.wallClockMillis()), channel)));
  }

  /**
   * A worker whose rows come from {@code data} instead of the spec's files (a Spark task hands over its
   * partition this way); it owns the executors and shuts them down on close.
   */
  public WorkerRuntime(Config config, WorkerEnvironment env, WorkerData data) {
    this(config, env, constant(Objects.requireNonNull(data, "data")));
  }

  private WorkerRuntime(Config config, WorkerEnvironment env,
      java.util.function.Function<io.grpc.Channel, WorkerData> dataOver) {
    this.dataOver = dataOver;
    this.config = Objects.requireNonNull(config, "config");
    this.callCredentials = new CoordinatorCallCredentials(config.jobId(), config.security().jobSecret());
    this.env = Objects.requireNonNull(env, "env");
    this.jobThread = env.jobThread();
    this.timer = env.timer();
    this.collective = new CollectiveService(CollectiveService.DEFAULT_PENDING_HELLO_TIMEOUT, timer,
        config.security().transport());
    this.peerState = new PeerStateClient(config.security().transport());
    this.lastStallReportNanos = env.nanoClock().getAsLong() - STALL_REPORT_EVERY_NANOS; // the first may go at once
  }

  /**
   * Finds this worker's backend and GPUs with {@code discovery} instead of asking ND4J (tests); call before
   * {@link #start}. Returns this.
   */
  public WorkerRuntime devices(DeviceDiscovery discovery) {
    this.deviceDiscovery = Objects.requireNonNull(discovery, "discovery");
    return this;
  }

  /** The backend and GPUs this worker reported when it attached. */
  public ComputeDevices devices() {
    return devices;
  }

  /** Finds this worker's devices, starts the server and attaches to the coordinator; returns this. */
  public WorkerRuntime start() throws IOException {
    devices = deviceDiscovery.discover();
    Security security = config.security();
    // a worker whose peers reach it on loopback listens there only; anything else listens on every address
    // and must use TLS (or have been told --insecure)
    boolean loopback = ExposureCheck.isLoopback(config.host());
    ExposureCheck.requireSecureListener("worker", loopback ? config.host() : "0.0.0.0 (peers reach it as "
        + config.host() + ")", security.transport(), security.insecure());
    ExposureCheck.requireSecureTarget("worker", config.coordinatorTarget(), security.transport(), security.insecure());
    InetSocketAddress bind = loopback ? new InetSocketAddress(java.net.InetAddress.getByName(
        config.host().replace("[", "").replace("]", "")), config.port()) : new InetSocketAddress(config.port());
    HealthStatusManager health = new HealthStatusManager();
    // peers must present a certificate (mutual TLS) and, per call, their ring's token (RingAdmission)
    NettyServerBuilder sb = GrpcEndpoints.server(bind, security.transport(), TransportSecurity.ClientAuth.REQUIRE)
        .addService(ServerInterceptors.intercept(collective, collective.admission()))
        .addService(ServerInterceptors.intercept(new ReplicaStateService(() -> runner), collective.admission()))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    CollectiveTransport.configure(sb);
    server = sb.build().start();
    health.setStatus("", ServingStatus.SERVING);
    // the coordinator sends nothing routinely, so a ping every 10 s (the most the coordinator permits)
    // unanswered for 10 s is how a worker notices a coordinator that vanished without closing its stream
    // (a partition, a dead host): it then drops its job and re-attaches
    var toCoordinator = GrpcEndpoints.channel(config.coordinatorTarget(), security.transport())
        .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS);
    // every call proves the worker's right to it: Attach with what it was started with, the job-scoped calls
    // (checkpoints, data, model) with the secret of the job it is bound to
    toCoordinator.intercept(callCredentials);
    channel = toCoordinator.build();
    data = dataOver.apply(channel);
    attach();
    return this;
  }

  /** Port of this worker's gRPC server. */
  public int port() {
    return server.getPort();
  }

  public String workerId() {
    return config.workerId();
  }

  private void attach() {
    StreamObserver<CoordinatorMessage> inbound = new StreamObserver<>() {
      @Override
      public void onNext(CoordinatorMessage m) {
        handle(m);
      }

      @Override
      public void onError(Throwable t) {
        coordinatorLost("coordinator stream failed: " + Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        coordinatorLost("coordinator closed the stream");
      }
    };
    outbound = WorkerControlGrpc.newStub(channel).attach(inbound);
    Hello.Builder hello = Hello.newBuilder()
        .setWorkerId(config.workerId()).setHost(config.host()).setPort(server.getPort())
        .setPid(ProcessHandle.current().pid()).setJobId(config.jobId())
        .setVersion(Version.get()).setDevices(devices);
    if (config.slot() >= 0) {
      hello.setSlot(config.slot());
    }
    if (!config.logPath().isEmpty()) {
      hello.setLogPath(config.logPath());
    }
    send(WorkerMessage.newBuilder().setHello(hello).build());
    log.info("worker {} (port {}) attaching to {}{}", config.workerId(), server.getPort(),
        config.coordinatorTarget(), config.jobId().isEmpty() ? "" : " for job " + config.jobId());
  }

  private synchronized void send(WorkerMessage m) {
    if (outbound == null) {
      return;
    }
    try {
      outbound.onNext(m);
    } catch (RuntimeException e) {
      log.warn("cannot send {} to the coordinator: {}", m.getBodyCase(), e.toString());
    }
  }

  private void handle(CoordinatorMessage m) {
    switch (m.getBodyCase()) {
      case WELCOME -> {
        int every = Math.max(100, m.getWelcome().getHeartbeatIntervalMs());
        if (heartbeats != null) {
          heartbeats.cancel(false);
        }
        heartbeats = timer.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
      }
      case ASSIGN -> onJobThread(m.getAssign().getJobId(), () -> {
        var a = m.getAssign();
        var gpus = GpuCheck.problem(a.getSpec().getResources().getGpus(), devices);
        if (gpus.isPresent()) { // before building anything: the job cannot train here
          reportFailure(a.getJobId(), FailureReason.FAILURE_REASON_GPU_UNAVAILABLE, gpus.get());
          return;
        }
        JobRunner r = runner;
        if (r == null || !r.jobId().equals(a.getJobId()) || r.aborted()) {
          closeRunner(); // another job, or one this worker abandoned: start afresh
          callCredentials.boundTo(a.getJobId(), a.getJobSecret()); // after the previous job's last upload
          r = new JobRunner(a, collective, channel, peerState, env, data);
          runner = r;
        }
        r.assign(a);
        logNativeBuildOnce();
        send(WorkerMessage.newBuilder().setReady(Ready.newBuilder().setJobId(r.jobId())
            .setGeneration(r.generation())).build());
      });
      case RUN_EPOCH -> onJobThread(m.getRunEpoch().getJobId(), () -> {
        var cmd = m.getRunEpoch();
        JobRunner r = requireRunner(cmd.getJobId());
        if (cmd.getGeneration() != r.generation()) {
          throw new IllegalStateException("RunEpoch of job " + cmd.getJobId() + " for generation "
              + cmd.getGeneration() + " but this worker is in generation " + r.generation()
              + " (its Assign failed or was never received): re-form the ring");
        }
        try {
          var result = r.runEpoch(cmd.getEpoch(), cmd.getStartStep(),
              p -> send(WorkerMessage.newBuilder().setProgress(p).build()));
          send(WorkerMessage.newBuilder().setEpochResult(result).build());
        } catch (JobRunner.PausedException e) {
          log.info("job {}: {}", r.jobId(), e.getMessage());
          if (!r.aborted()) { // aborted: released, or the coordinator is gone; nobody waits for an answer
            send(WorkerMessage.newBuilder().setPaused(r.paused(e.getMessage(), r.generation())).build());
          }
        } catch (CollectiveException e) {
          // the ring broke under us (a peer died or stalled): stop at this step boundary and say where
          String why = "collective " + e.reason() + ": " + e.getMessage();
          log.warn("job {}: {}", r.jobId(), why);
          send(WorkerMessage.newBuilder().setPaused(r.paused(why, r.generation())).build());
        } catch (JobRunner.NonFiniteException e) {
          send(WorkerMessage.newBuilder().setFailure(WorkerFailure.newBuilder().setJobId(r.jobId())
              .setReason(e.here ? FailureReason.FAILURE_REASON_NON_FINITE : FailureReason.FAILURE_REASON_NON_FINITE_ELSEWHERE).setMessage(e.getMessage())).build());
        }
      });
      case PAUSE -> {
        var pause = m.getPause();
        JobRunner running = runner;
        if (running != null && running.jobId().equals(pause.getJobId())
            && !running.requestPause(pause.getGeneration())) { // the running step, if any, stops at once
          log.info("job {}: ignoring a Pause of generation {}: this worker is in generation {}",
              pause.getJobId(), pause.getGeneration(), running.generation());
          return;
        }
        // answered on the job thread, after whatever it is doing (an Assign still being set up included)
        onJobThread(pause.getJobId(), () -> answerPause(pause));
      }
      case SAVE_MODEL -> onJobThread(m.getSaveModel().getJobId(), () -> {
        JobRunner r = requireRunner(m.getSaveModel().getJobId());
        // written on this worker's own disk, then uploaded: the coordinator's path may not exist here
        Path local = config.dataDir().resolve("models").resolve(r.jobId()).resolve("model.zip");
        var stored = r.save(local, m.getSaveModel().getFinalMetrics());
        log.info("job {}: model saved to {} and uploaded to the coordinator ({} bytes, sha256 {})", r.jobId(), local,
            stored.getSizeBytes(), stored.getSha256());
        send(WorkerMessage.newBuilder().setModelSaved(ModelSaved.newBuilder().setJobId(r.jobId())
            .setPath(stored.getPath()).setSha256(stored.getSha256()).setSizeBytes(stored.getSizeBytes())).build());
      });
      case RELEASE -> {
        JobRunner r = runner;
        if (r != null && r.jobId().equals(m.getRelease().getJobId())) {
          r.abort(); // unblocks a running epoch right away
        }
        boolean shutdown = m.getRelease().getShutdown();
        log.info("released from job {} ({}){}", m.getRelease().getJobId(), m.getRelease().getReason(),
            shutdown ? "; shutting down" : "");
        onJobThread(m.getRelease().getJobId(), () -> {
          closeRunner();
          if (shutdown) {
            exitReason = "released";
            close();
          }
        });
      }
      default -> log.warn("ignoring unknown command {}", m.getBodyCase());
    }
  }

  private static java.util.function.Function<io.grpc.Channel, WorkerData> constant(WorkerData data) {
    return channel -> data;
  }

  /**
   * Answers a Pause with the cursor, for the Pause's generation, unless the runner already answered it (an
   * epoch it stopped said Paused) or the runner has moved on to a newer generation since. Requests the
   * pause again: the runner may not have existed yet when the Pause arrived (its Assign was queued).
   */
  private void answerPause(io.ringmaster.proto.v1.Pause pause) {
    JobRunner r = runner;
    if (r == null || !r.jobId().equals(pause.getJobId()) || r.aborted()) {
      log.info("ignoring a Pause of job {}: this worker holds {}", pause.getJobId(),
          r == null || r.aborted() ? "no job" : "job " + r.jobId());
      return;
    }
    if (!r.requestPause(pause.getGeneration()) || r.pauseAnswered(pause.getGeneration())) {
      return; // stale (the ring was re-formed since), or already answered
    }
    send(WorkerMessage.newBuilder().setPaused(
        r.paused("paused by the coordinator: " + pause.getReason(), pause.getGeneration())).build());
  }

  /**
   * Heartbeat with what this worker is doing, plus a stall report while a step has waited too long on
   * the ring (every 2 s at most).
   */
  private void beat() {
    JobRunner r = runner;
    send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setTimeMs(env.wallClockMillis().getAsLong()).setActivity(activity(r))).build());
    if (r == null) {
      return;
    }
    var stall = r.stall(r.stallReportMs());
    long now = env.nanoClock().getAsLong();
    if (stall != null && now - lastStallReportNanos >= STALL_REPORT_EVERY_NANOS) {
      lastStallReportNanos = now;
      log.warn("job {}: step {} of epoch {} has waited {} ms for rank(s) {}", stall.getJobId(), stall.getStep(),
          stall.getEpoch(), stall.getWaitingMs(), stall.getWaitingForList());
      send(WorkerMessage.newBuilder().setStall(stall).build());
    }
  }

  /** What this worker is doing: NO_JOB without a runner (or with one it abandoned), else the runner's view. */
  static WorkerActivity activity(JobRunner r) {
    if (r == null || r.aborted()) {
      return WorkerActivity.newBuilder().setKind(WorkerActivity.Kind.NO_JOB).build();
    }
    return r.activity();
  }

  /** The job this worker holds, or null (for tests of this package). */
  JobRunner runner() {
    return runner;
  }

  /** What this worker would report in a heartbeat now. */
  public WorkerActivity activity() {
    return activity(runner);
  }

  /** Logs which nd4j-native build JavaCPP loaded (generic or avx2), once. */
  private void logNativeBuildOnce() {
    if (nativeBuildLogged) {
      return;
    }
    nativeBuildLogged = true;
    try {
      for (var e : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
        if (e.getKey().contains("nd4jcpu")) {
          log.info("ND4J native library: {}", e.getValue());
        }
      }
    } catch (RuntimeException | LinkageError e) {
      log.debug("cannot tell which ND4J build was loaded: {}", e.toString());
    }
  }

  private JobRunner requireRunner(String jobId) {
    JobRunner r = runner;
    if (r == null || !r.jobId().equals(jobId)) {
      throw new IllegalStateException("command for job " + jobId + " but this worker holds "
          + (r == null ? "no job" : "job " + r.jobId()) + ": assign it to the job first");
    }
    if (r.aborted()) {
      throw new IllegalStateException("command for job " + jobId + " but this worker has abandoned that job"
          + " (released, or it lost the coordinator): assign it to the job again");
    }
    return r;
  }

  private interface JobTask {
    void run() throws Exception;
  }

  /**
   * Runs a command of job {@code jobId} on the job thread; a failure is reported to the coordinator as a
   * WorkerFailure of that job with a reason code (even when this worker holds no runner for it, e.g. a
   * RunEpoch after the runner was dropped: the command must not end silently).
   */
  private void onJobThread(String jobId, JobTask task) {
    jobThread.execute(() -> {
      try {
        task.run();
      } catch (JobRunner.PausedException e) {
        log.info("{}", e.getMessage());
      } catch (CollectiveException e) {
        reportFailure(jobId, FailureReason.FAILURE_REASON_COLLECTIVE_ERROR, "collective " + e.reason() + ": " + e.getMessage());
      } catch (io.ringmaster.job.data.DatasetException e) {
        reportFailure(jobId, FailureReason.FAILURE_REASON_DATA_ERROR, e.getMessage());
      } catch (IOException e) {
        reportFailure(jobId, FailureReason.FAILURE_REASON_IO_ERROR, e.getMessage());
      } catch (Exception | Error e) {
        log.error("job command failed", e);
        reportFailure(jobId, FailureReason.FAILURE_REASON_INTERNAL, e.toString());
      }
    });
  }

  private void reportFailure(String jobId, FailureReason reason, String message) {
    if (closing) {
      log.warn("job {}: {}: {} (not reported: this worker is shutting down)", jobId, reason, message);
      return;
    }
    log.error("job {} failed on this worker: {}: {}", jobId, reason, message);
    send(WorkerMessage.newBuilder().setFailure(WorkerFailure.newBuilder().setJobId(jobId)
        .setReason(reason).setMessage(message)).build());
  }

  private void closeRunner() {
    JobRunner r = runner;
    runner = null;
    if (r != null) {
      r.close();
    }
  }

  private void coordinatorLost(String why) {
    if (closing) {
      return;
    }
    JobRunner r = runner;
    if (r != null) {
      r.abort(); // the job is over for this worker: the coordinator's plan is gone with it
      onJobThread(r.jobId(), () -> {
        if (runner == r) {
          log.info("job {}: abandoned after losing the coordinator", r.jobId());
          closeRunner();
        }
      });
    }
    log.warn("{}", why);
    if (!config.jobId().isEmpty()) {
      exitReason = "coordinator lost";
      close();
    } else {
      synchronized (this) {
        outbound = null;
      }
      timer.schedule(() -> {
        if (!closing) {
          log.info("re-attaching to {}", config.coordinatorTarget());
          attach();
        }
      }, 2, TimeUnit.SECONDS);
    }
  }

  /** Blocks until the worker has stopped; returns why. */
  public String awaitTermination() throws InterruptedException {
    terminated.await();
    return exitReason;
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    closeRunner();
    synchronized (this) {
      if (outbound != null) {
        try {
          outbound.onCompleted();
        } catch (RuntimeException ignored) {
          // already gone
        }
        outbound = null;
      }
    }
    collective.close();
    env.shutdownNow();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
    terminated.countDown();
  }
}
