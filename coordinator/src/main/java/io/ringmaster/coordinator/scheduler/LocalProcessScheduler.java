package io.ringmaster.coordinator.scheduler;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches worker JVMs on this machine, one process per rank, with the same Java and classpath as the
 * coordinator. Each worker gets bounded heap and off-heap memory and one math thread
 * ({@code OMP_NUM_THREADS}) unless the spec asks for more; its stdout and stderr go to
 * {@code <jobDir>/logs/worker-<slot>.log}. {@link #stop} sends SIGTERM, then SIGKILL after a grace period.
 *
 * <p><b>GPUs.</b> A job that asks for {@code spec.resources.gpus} per worker gets one process per worker as
 * always, each with its own GPUs of this machine in {@code CUDA_VISIBLE_DEVICES} (by UUID where the driver
 * says it, with {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}): with 1 GPU per worker, one worker process per GPU.
 * A launch that would need more GPUs than are free fails with {@code FAILURE_REASON_GPU_UNAVAILABLE}
 * before any process starts, naming the machine's GPUs and who holds them ({@link GpuSlots}). The worker
 * itself then checks that its ND4J backend is CUDA and sees them.
 */
public final class LocalProcessScheduler implements WorkerScheduler {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessScheduler.class);
  static final String WORKER_MAIN = "io.ringmaster.worker.WorkerCommand";
  private static final int LOG_TAIL_LINES = 15;

  /**
   * How worker JVMs are started.
   *
   * @param javaCommand path of the java executable
   * @param classpath classpath of the worker JVM
   * @param jvmArgs extra JVM flags (GC, native build selection, ...)
   * @param advertiseHost address workers give their peers
   * @param stopGraceMillis how long {@link #stop} waits after SIGTERM before SIGKILL
   */
  public record Options(String javaCommand, String classpath, List<String> jvmArgs, String advertiseHost,
      long stopGraceMillis) {
    public Options {
      Objects.requireNonNull(javaCommand, "javaCommand");
      Objects.requireNonNull(classpath, "classpath");
      jvmArgs = List.copyOf(jvmArgs);
    }

    /** Same java and classpath as this JVM, plus {@link WorkerJvmFlags#recommended()}. */
    public static Options fromCurrentJvm() {
      return fromCurrentJvm(null);
    }

    /**
     * Same java and classpath as this JVM, plus {@link WorkerJvmFlags#recommended()}; the nd4j-native
     * build the calibration chose in {@code dataDir} when one ran there ({@link Nd4jCalibration#workerClasspath}),
     * otherwise the build by CPU flags.
     */
    public static Options fromCurrentJvm(Path dataDir) {
      return new Options(currentJava(), Nd4jCalibration.workerClasspath(System.getProperty("java.class.path"),
          dataDir), WorkerJvmFlags.recommended(), "127.0.0.1", 5_000);
    }

    /** The java executable of this JVM. */
    public static String currentJava() {
      return ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
  }

  private record Launched(int slot, Process process, Path logPath) {}

  private final Options options;
  private final GpuSlots gpus;
  private final Map<String, List<Launched>> byJob = new ConcurrentHashMap<>();

  /** Workers on this machine, with its NVIDIA GPUs as {@link NvidiaProcGpus#ofThisMachine()} finds them. */
  public LocalProcessScheduler(Options options) {
    this(options, NvidiaProcGpus.ofThisMachine());
  }

  /** Workers on this machine, handing out {@code gpus} to jobs that ask for GPUs. */
  public LocalProcessScheduler(Options options, HostGpus gpus) {
    this.options = Objects.requireNonNull(options);
    this.gpus = new GpuSlots(gpus);
  }

  @Override
  public void launch(LaunchRequest req) throws SchedulerException {
    List<List<HostGpus.HostGpu>> gpusBySlot = null;
    if (req.resources().gpus() > 0) {
      try {
        gpusBySlot = gpus.take(req.jobId(), req.firstSlot(), req.count(), req.resources().gpus());
      } catch (GpuSlots.ShortageException e) {
        throw new SchedulerException(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_GPU_UNAVAILABLE,
            e.getMessage(), e);
      }
    }
    try {
      start(req, gpusBySlot);
    } catch (SchedulerException e) {
      for (int slot = req.firstSlot(); slot < req.firstSlot() + req.count(); slot++) {
        gpus.release(req.jobId(), slot); // the processes that did start end with the job
      }
      throw e;
    }
  }

  private void start(LaunchRequest req, List<List<HostGpus.HostGpu>> gpusBySlot) throws SchedulerException {
    Path logs = req.jobDir().resolve("logs");
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new SchedulerException(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_LAUNCH_FAILED, "cannot create log directory " + logs + ": " + e, e);
    }
    List<Launched> launched = byJob.computeIfAbsent(req.jobId(), k -> new CopyOnWriteArrayList<>());
    for (int slot = req.firstSlot(); slot < req.firstSlot() + req.count(); slot++) {
      Path logPath = logs.resolve("worker-" + slot + ".log");
      List<String> cmd = command(req);
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logPath.toFile()));
      pb.environment().put("OMP_NUM_THREADS", Integer.toString(req.resources().threads()));
      pb.environment().put("RINGMASTER_WORKER_SLOT", Integer.toString(slot));
      pb.environment().put("RINGMASTER_WORKER_LOG", logPath.toAbsolutePath().toString());
      String visible = "";
      if (gpusBySlot != null) {
        visible = GpuSlots.visibleDevices(gpusBySlot.get(slot - req.firstSlot()));
        pb.environment().put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
        pb.environment().put("CUDA_VISIBLE_DEVICES", visible);
      }
      // credentials by environment, never in the arguments (`ps` shows those to every user of the machine)
      pb.environment().remove(io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET);
      if (!req.jobSecret().isEmpty()) {
        pb.environment().put(io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET, req.jobSecret());
      }
      if (req.tls() != null) {
        pb.environment().put(io.ringmaster.job.security.TlsFiles.ENV_CA, req.tls().trustBundle().toAbsolutePath().toString());
        if (req.tls().hasIdentity()) {
          pb.environment().put(io.ringmaster.job.security.TlsFiles.ENV_CERT, req.tls().certChain().toAbsolutePath().toString());
          pb.environment().put(io.ringmaster.job.security.TlsFiles.ENV_KEY, req.tls().privateKey().toAbsolutePath().toString());
        }
      }
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new SchedulerException(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_LAUNCH_FAILED,
            "cannot start worker " + slot + " of job " + req.jobId() + " (" + cmd.get(0) + "): " + e, e);
      }
      Launched l = new Launched(slot, p, logPath);
      launched.add(l);
      log.info("job {}: started worker slot {} pid {} (log {}){}", req.jobId(), slot, p.pid(), logPath,
          visible.isEmpty() ? "" : " on GPU(s) " + visible);
      final int s = slot;
      p.onExit().thenAccept(done -> {
        gpus.release(req.jobId(), s); // before the job hears of it and may launch a replacement
        int code = exitCode(done);
        WorkerExit exit = new WorkerExit(req.jobId(), s, done.pid(), code, logPath, tail(logPath));
        Path crashReport = crashReport(logs, done.pid());
        if (Files.isRegularFile(crashReport)) {
          exit = new WorkerExit(req.jobId(), s, done.pid(), code, logPath, exit.logTail(), exit.describeExit()
              + ": the worker JVM crashed; its crash report is " + crashReport);
        }
        req.listener().onExit(exit);
      });
    }
  }

  List<String> command(LaunchRequest req) {
    List<String> cmd = new ArrayList<>();
    cmd.add(options.javaCommand());
    int heap = req.resources().heapMb();
    int offheap = req.resources().offheapMb();
    cmd.addAll(WorkerJvmFlags.memory(heap, offheap));
    // a crashing JVM writes hs_err_pid<pid>.log into the job's logs, not the coordinator's working directory
    cmd.add("-XX:ErrorFile=" + req.jobDir().resolve("logs").toAbsolutePath() + "/hs_err_pid%p.log");
    cmd.addAll(options.jvmArgs());
    cmd.add("-cp");
    cmd.add(options.classpath());
    cmd.add(WORKER_MAIN);
    cmd.addAll(Arrays.asList("--coordinator", req.coordinatorTarget(), "--job", req.jobId(),
        "--host", options.advertiseHost()));
    if (req.tls() == null && !(io.ringmaster.job.security.ExposureCheck.isLoopback(options.advertiseHost())
        && io.ringmaster.job.security.ExposureCheck.isLoopback(
            io.ringmaster.job.security.ExposureCheck.hostOf(req.coordinatorTarget())))) {
      cmd.add("--insecure"); // the coordinator itself runs plaintext beyond loopback: its operator said --insecure
    }
    return cmd;
  }

  /** Where a worker JVM with this pid writes its crash report ({@code -XX:ErrorFile}). */
  static Path crashReport(Path logs, long pid) {
    return logs.resolve("hs_err_pid" + pid + ".log");
  }

  /** Pids of the live workers of a job, by slot order. */
  public List<Long> pids(String jobId) {
    return byJob.getOrDefault(jobId, List.of()).stream()
        .filter(l -> l.process().isAlive()).map(l -> l.process().pid()).toList();
  }

  @Override
  public void stop(String jobId) {
    List<Launched> launched = byJob.remove(jobId);
    if (launched == null) {
      gpus.release(jobId);
      return;
    }
    for (Launched l : launched) {
      l.process().destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.stopGraceMillis());
    for (Launched l : launched) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !l.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          log.warn("job {}: worker slot {} pid {} ignored SIGTERM; killing it", jobId, l.slot(), l.process().pid());
          l.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        l.process().destroyForcibly();
      }
    }
    gpus.release(jobId);
  }

  @Override
  public void evict(String jobId, long pid) {
    for (Launched l : byJob.getOrDefault(jobId, List.of())) {
      if (l.process().pid() == pid && l.process().isAlive()) {
        log.warn("job {}: killing worker slot {} pid {}", jobId, l.slot(), pid);
        l.process().destroyForcibly();
      }
    }
  }

  @Override
  public boolean launchesWorkers() {
    return true;
  }

  @Override
  public void close() {
    for (String jobId : List.copyOf(byJob.keySet())) {
      stop(jobId);
    }
  }

  private static int exitCode(Process p) {
    try {
      return p.exitValue();
    } catch (IllegalThreadStateException e) {
      return -1;
    }
  }

  /** The last lines of a log file (reads at most its last 64 KiB). */
  static List<String> tail(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - 65_536);
      byte[] buf = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(buf);
      List<String> lines = new ArrayList<>(List.of(new String(buf, StandardCharsets.UTF_8).split("\\R")));
      lines.removeIf(String::isBlank);
      return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    } catch (IOException e) {
      return List.of("(log unreadable: " + e.getMessage() + ")");
    }
  }
}
