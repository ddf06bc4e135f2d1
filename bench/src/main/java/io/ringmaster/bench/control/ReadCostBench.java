package io.ringmaster.bench.control;

import io.grpc.ManagedChannel;
import io.ringmaster.coordinator.store.SqliteJobStore;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.ListJobsResponse;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Coordinator CPU per GetJob and per ListJobs page (page_size 50) over a store of {@code --jobs} finished
 * jobs, with the in-memory read path ("cached", the default) and with SQLite read on every call ("sqlite",
 * the read path before issue 12); then, on the cached coordinator, the samples/s of a 1-worker MLP job
 * while quiet and while {@code --storm-threads} clients poll GetJob and ListJobs as fast as they can.
 * CPU is the coordinator process's own (user + system, from the OS). Prints figures and ratios.
 *
 * <p>Usage: {@code ReadCostBench [--jobs 3000] [--calls 20000] [--storm-threads 4] [--window-s 15]
 * [--data /usr/share/datasets/fashion-mnist]}
 */
public final class ReadCostBench {
  private ReadCostBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = intArg(args, "--jobs", 3000);
    int calls = intArg(args, "--calls", 20000);
    int stormThreads = intArg(args, "--storm-threads", 4);
    int windowS = intArg(args, "--window-s", 15);
    Path data = Path.of(stringArg(args, "--data", "/usr/share/datasets/fashion-mnist"));
    Path dir = Files.createTempDirectory("ringmaster-readcost");
    preload(dir, jobs);
    System.out.printf(Locale.ROOT, "store: %,d finished jobs (%s)%n", jobs, dir);

    double[] sqlite = measureReads(dir, "sqlite", jobs, calls);
    double[] cached = measureReads(dir, "cached", jobs, calls);
    System.out.printf(Locale.ROOT, "%-28s %12s %12s %8s%n", "coordinator CPU per call", "sqlite", "cached", "ratio");
    System.out.printf(Locale.ROOT, "%-28s %9.3f ms %9.3f ms %7.1fx%n", "GetJob", sqlite[0], cached[0],
        sqlite[0] / cached[0]);
    System.out.printf(Locale.ROOT, "%-28s %9.3f ms %9.3f ms %7.1fx%n", "ListJobs page (50 jobs)", sqlite[1],
        cached[1], sqlite[1] / cached[1]);
    System.out.printf(Locale.ROOT, "goal: <= 0.25 ms CPU per GetJob: %s%n", cached[0] <= 0.25 ? "met" : "NOT met");

    if (Files.exists(data.resolve("train-images-idx3-ubyte.gz"))) {
      trainingUnderStorm(dir, data, stormThreads, windowS);
    } else {
      System.out.println("no Fashion-MNIST at " + data + ": training slowdown not measured");
    }
  }

  /** {@code [ms CPU per GetJob, ms CPU per ListJobs page]} of a coordinator reading with {@code mode}. */
  static double[] measureReads(Path dir, String mode, int jobs, int calls) throws Exception {
    try (Coordinator c = Coordinator.start(dir, mode)) {
      JobServiceGrpc.JobServiceBlockingStub stub = JobServiceGrpc.newBlockingStub(c.channel);
      for (int i = 0; i < calls / 2; i++) { // warm-up: JIT, connections, page cache
        stub.getJob(GetJobRequest.newBuilder().setJobId(id(i % jobs)).build());
        stub.listJobs(ListJobsRequest.newBuilder().setPageSize(50).build());
      }
      double get = c.cpuPerCall(calls, i -> stub.getJob(GetJobRequest.newBuilder().setJobId(id((i * 7919) % jobs))
          .build()));
      String[] tokens = pageTokens(stub, 20);
      double list = c.cpuPerCall(calls / 4, i -> stub.listJobs(ListJobsRequest.newBuilder().setPageSize(50)
          .setPageToken(tokens[i % tokens.length]).build()));
      return new double[] {get, list};
    }
  }

  static String[] pageTokens(JobServiceGrpc.JobServiceBlockingStub stub, int pages) {
    List<String> tokens = new ArrayList<>();
    String token = "";
    for (int i = 0; i < pages; i++) {
      tokens.add(token);
      ListJobsResponse r = stub.listJobs(ListJobsRequest.newBuilder().setPageSize(50).setPageToken(token).build());
      token = r.getNextPageToken();
      if (token.isEmpty()) {
        break;
      }
    }
    return tokens.toArray(String[]::new);
  }

  static void trainingUnderStorm(Path dir, Path data, int threads, int windowS) throws Exception {
    String yaml = """
        name: storm
        model: {architecture: mlp, hidden: [256, 128]}
        data:
          train: {path: %1$s/train-images-idx3-ubyte.gz, labels: %1$s/train-labels-idx1-ubyte.gz}
          test: {path: %1$s/t10k-images-idx3-ubyte.gz, labels: %1$s/t10k-labels-idx1-ubyte.gz}
        epochs: 100
        batchSize: 128
        updater: {type: adam, learningRate: 0.001}
        workers: 1
        """.formatted(data);
    JobSpec spec = SpecProtos.toProto(JobSpecYaml.parse(yaml, dir));
    try (Coordinator c = Coordinator.start(dir, "cached")) {
      JobServiceGrpc.JobServiceBlockingStub stub = JobServiceGrpc.newBlockingStub(c.channel);
      String id = stub.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (samplesDone(stub.getJob(GetJobRequest.newBuilder().setJobId(id).build())) < 60_000) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the job did not finish its first epoch in 3 minutes");
        }
        Thread.sleep(500); // polling a job's progress, not synchronising anything
      }
      double quiet1 = rate(stub, id, windowS);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong stormCalls = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> storm = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        storm.add(pool.submit(() -> {
          JobServiceGrpc.JobServiceBlockingStub s = JobServiceGrpc.newBlockingStub(c.channel);
          while (!stop.get()) {
            s.getJob(GetJobRequest.newBuilder().setJobId(id).build());
            s.listJobs(ListJobsRequest.newBuilder().setPageSize(50).build());
            stormCalls.addAndGet(2);
          }
          return null;
        }));
      }
      long cpu0 = c.cpuNanos();
      long t0 = System.nanoTime();
      double stormy = rate(stub, id, windowS);
      double stormSeconds = (System.nanoTime() - t0) / 1e9;
      double stormCpu = (c.cpuNanos() - cpu0) / 1e9;
      stop.set(true);
      for (Future<?> f : storm) {
        f.get();
      }
      pool.shutdown();
      double quiet2 = rate(stub, id, windowS);
      stub.cancelJob(CancelJobRequest.newBuilder().setJobId(id).build());
      double quiet = (quiet1 + quiet2) / 2;
      System.out.printf(Locale.ROOT, "training (MLP, 1 worker) quiet: %,.0f samples/s (%,.0f before, %,.0f after)%n",
          quiet, quiet1, quiet2);
      System.out.printf(Locale.ROOT, "training under a storm of %d clients (%,.0f calls/s, coordinator %.0f%% of a"
              + " core): %,.0f samples/s, ratio %.2f%n", threads, stormCalls.get() / stormSeconds,
          100 * stormCpu / stormSeconds, stormy, stormy / quiet);
    }
  }

  /** Samples trained per second over a window, from two GetJob reads. */
  static double rate(JobServiceGrpc.JobServiceBlockingStub stub, String id, int seconds) throws InterruptedException {
    long s0 = samplesDone(stub.getJob(GetJobRequest.newBuilder().setJobId(id).build()));
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L); // the measurement window
    long s1 = samplesDone(stub.getJob(GetJobRequest.newBuilder().setJobId(id).build()));
    return (s1 - s0) / ((System.nanoTime() - t0) / 1e9);
  }

  static long samplesDone(Job j) {
    long done = j.getEpochsList().stream().mapToLong(EpochMetrics::getSamples).sum();
    boolean inEpochDone = j.getEpochsCount() > 0 && j.getProgress().getEpoch() == j.getEpochsCount();
    return done + (inEpochDone ? 0 : j.getProgress().getSamples());
  }

  static String id(int i) {
    return String.format("done-%06d", i);
  }

  /** Finished jobs as a coordinator stores them: spec, 3 epochs of metrics, 2 workers, notices. */
  static void preload(Path dir, int n) {
    try (SqliteJobStore store = SqliteJobStore.openIn(dir)) {
      for (int i = 0; i < n; i++) {
        Job.Builder j = Job.newBuilder().setId(id(i)).setState(JobState.JOB_STATE_SUCCEEDED)
            .setSpec(JobSpec.newBuilder().setName("fashion-mlp").setEpochs(3).setBatchSize(128).setWorkers(2)
                .setSeed(42))
            .setMessage("trained 3 epoch(s); model saved to /runs/jobs/" + id(i) + "/model.zip")
            .setCreatedAtMs(1_700_000_000_000L + i * 1000L).setStartedAtMs(1_700_000_000_500L + i * 1000L)
            .setFinishedAtMs(1_700_000_060_000L + i * 1000L).setTrainSamples(60_000).setTestSamples(10_000)
            .setJobDir("/runs/jobs/" + id(i)).setModelPath("/runs/jobs/" + id(i) + "/model.zip");
        for (int e = 1; e <= 3; e++) {
          j.addEpochs(EpochMetrics.newBuilder().setEpoch(e).setSamples(60_000).setTrainLoss(0.5).setTestLoss(0.4)
              .setTestAccuracy(0.85).setDurationS(12.3).setSamplesPerS(4870).setWorkers(2).setTestSamples(10_000)
              .setSteps(469));
        }
        for (int r = 0; r < 2; r++) {
          j.addWorkers(WorkerStatus.newBuilder().setRank(r).setWorkerId("w-" + r).setHost("127.0.0.1")
              .setPort(41_000 + r).setPid(4000 + r).setState(WorkerState.WORKER_EXITED)
              .setLogPath("/runs/jobs/" + id(i) + "/logs/worker-" + r + ".log"));
        }
        store.put(j.build());
      }
    }
  }

  /** A coordinator process and a channel to it. */
  static final class Coordinator implements AutoCloseable {
    final Process process;
    final ManagedChannel channel;

    private Coordinator(Process process, ManagedChannel channel) {
      this.process = process;
      this.channel = channel;
    }

    static Coordinator start(Path dir, String mode) throws Exception {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Xmx512m", ReadCostCoordinator.class.getName(),
          dir.toString(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
        // the coordinator's own output before it serves
      }
      if (line == null) {
        throw new IllegalStateException("the coordinator process exited before serving");
      }
      int port = Integer.parseInt(line.substring(5).strip());
      Thread drain = new Thread(() -> {
        try {
          while (out.readLine() != null) {
            // the coordinator's log: read so that it never blocks on a full pipe
          }
        } catch (java.io.IOException ignored) {
          // the process ended
        }
      }, "coordinator-output");
      drain.setDaemon(true);
      drain.start();
      return new Coordinator(p, io.ringmaster.job.security.GrpcEndpoints.channel("127.0.0.1", port, io.ringmaster.job.security.TransportSecurity.plaintext())
          .maxInboundMessageSize(64 << 20).build());
    }

    long cpuNanos() {
      return process.info().totalCpuDuration().map(Duration::toNanos)
          .orElseThrow(() -> new IllegalStateException("the OS does not report the coordinator's CPU time"));
    }

    /** Coordinator CPU milliseconds per call over {@code n} calls. */
    double cpuPerCall(int n, java.util.function.IntConsumer call) {
      long cpu0 = cpuNanos();
      for (int i = 0; i < n; i++) {
        call.accept(i);
      }
      return (cpuNanos() - cpu0) / 1e6 / n;
    }

    @Override
    public void close() throws Exception {
      channel.shutdownNow();
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  static int intArg(String[] args, String name, int dflt) {
    return Integer.parseInt(stringArg(args, name, Integer.toString(dflt)));
  }

  static String stringArg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }
}
