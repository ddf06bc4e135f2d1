package io.ringmaster.bench.scale;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One coordinator run with {@code n} simulated workers, in this order (each step's figures go into the
 * {@link ScaleResult}; the first step that fails ends the run and is reported as what broke):
 * <ol>
 *   <li><b>attach</b>: n workers say Hello at once; time until the last Welcome;</li>
 *   <li><b>idle</b>: coordinator CPU over a window while the n free workers beat every second, and its heap
 *       after a full GC, both minus the coordinator's with no worker;</li>
 *   <li><b>form</b>: a job for all n is submitted; time until the last worker has its Assign, and until the
 *       last has RunEpoch of epoch 1 (every rank was Ready: the ring is formed and training);</li>
 *   <li><b>train</b>: CPU over a window while training (StepProgress every 300 ms per worker, heartbeats,
 *       epochs of {@code epochSeconds}), heap after a full GC, and the epoch boundaries seen: from the last
 *       EpochResult sent to the first (and the last) RunEpoch of the next epoch received;</li>
 *   <li><b>cut</b>: one rank's stream is cancelled; time to the first Pause (noticed) and until every
 *       survivor has RunEpoch of the next generation (ring re-formed, training again);</li>
 *   <li><b>silent</b>: another rank stops sending anything; the same two times (noticing takes the job's
 *       {@code workerTimeoutS}, 6 s by default, by design);</li>
 *   <li><b>gather</b>: the job is cancelled and a new one for n workers is submitted first; then n new
 *       workers attach at once: time from their first Hello to the last RunEpoch of epoch 1.</li>
 * </ol>
 */
final class ScaleScenario {
  private static final long AWAIT_S = 300;

  private final ScaleOptions options;
  private final Path tree;
  private final int n;
  private final Path dir;
  private final ScaleResult result;
  private final PrintWriter progress;

  ScaleScenario(ScaleOptions options, Path tree, String label, int n, Path dir, PrintWriter progress) {
    this.options = options;
    this.tree = tree;
    this.n = n;
    this.dir = dir;
    this.progress = progress;
    this.result = new ScaleResult(label, n);
  }

  ScaleResult run() throws Exception {
    Files.createDirectories(dir);
    Path data = SimData.write(dir.resolve("csv"), options.trainSamples(), options.testSamples());
    try (CoordinatorProcess c = CoordinatorProcess.start(tree, dir.resolve("coordinator-data"), Math.max(64, n),
        dir.resolve("coordinator.log"))) {
      ManagedChannel client = NettyChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        steps(c, JobServiceGrpc.newBlockingStub(client), data);
      } finally {
        client.shutdownNow();
        if (!c.alive()) {
          result.broke = (result.broke == null ? "" : result.broke + "; ") + "the coordinator process died";
        }
      }
    }
    return result;
  }

  private void steps(CoordinatorProcess c, JobServiceGrpc.JobServiceBlockingStub jobs, Path data) throws Exception {
    String step = "baseline";
    Timeline timeline = new Timeline(System::nanoTime);
    SimulatedFleet fleet = null;
    try {
      // the first submission loads the model validation (ND4J): do it before the baseline
      JobSpec warmup = spec(data, 1, "warmup");
      String warm = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(warmup).build()).getId();
      jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(warm).build());
      long heap0 = c.heapAfterGc();
      long rss0 = c.rssBytes();
      long cpuIdle0 = cpuOver(c, options.windowSeconds());
      result.put("coordinator CPU, no worker (% of a core)", pct(cpuIdle0));

      step = "attach";
      fleet = new SimulatedFleet("127.0.0.1", c.port(), n, options.workersPerConnection(),
          TimeUnit.SECONDS.toNanos(options.epochSeconds()), timeline);
      long log0 = c.logBytes();
      long t0 = timeline.now();
      fleet.attachAll();
      timeline.await(Timeline.WELCOME, n, AWAIT_S, TimeUnit.SECONDS);
      result.put("attach: last Welcome after first Hello (s)", seconds(timeline.nth(Timeline.WELCOME, n), t0));
      say("attached");

      step = "idle";
      TimeUnit.SECONDS.sleep(3); // every free worker has beaten (fresh), the attach burst is over
      long cpuIdle = cpuOver(c, options.windowSeconds());
      long heapIdle = c.heapAfterGc();
      result.put("idle: CPU (% of a core)", pct(cpuIdle));
      result.put("idle: CPU per worker (us per s)", perWorkerMicros(cpuIdle - cpuIdle0));
      result.put("idle: heap after GC (MiB)", heapIdle / 1048576.0);
      result.put("idle: heap per worker (KiB)", (heapIdle - heap0) / 1024.0 / n);
      result.put("idle: RSS per worker (KiB)", (c.rssBytes() - rss0) / 1024.0 / n);
      if (n >= 1000) {
        c.histogram(dir.resolve("histogram-idle.txt"));
      }
      result.put("log while attaching (bytes per worker)", (double) (c.logBytes() - log0) / n);

      result.put("idle: workers that attached again (dropped by the coordinator)",
          timeline.count(Timeline.REATTACH));

      step = "form";
      JobSpec spec = spec(data, n, "scale-" + n);
      long tSubmit = timeline.now();
      log0 = c.logBytes();
      Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
      timeline.await(Timeline.runEpoch(1, 1), n, AWAIT_S, TimeUnit.SECONDS);
      result.put("form: last Assign after submit (s)", seconds(timeline.nth(Timeline.assign(1), n), tSubmit));
      result.put("form: ring training, last RunEpoch after submit (s)",
          seconds(timeline.nth(Timeline.runEpoch(1, 1), n), tSubmit));
      result.put("log while forming the ring (bytes per worker)", (double) (c.logBytes() - log0) / n);
      say("ring formed");

      step = "train";
      TimeUnit.SECONDS.sleep(2);
      log0 = c.logBytes();
      long cpuTrain = cpuOver(c, options.windowSeconds());
      result.put("train: CPU (% of a core)", pct(cpuTrain));
      result.put("train: CPU per worker (us per s)", perWorkerMicros(cpuTrain - cpuIdle0));
      result.put("train: log (bytes per s)", (double) (c.logBytes() - log0) / options.windowSeconds());
      long heapTrain = c.heapAfterGc();
      result.put("train: heap after GC (MiB)", heapTrain / 1048576.0);
      result.put("train: heap per worker (KiB)", (heapTrain - heap0) / 1024.0 / n);
      result.put("train: RSS per worker (KiB)", (c.rssBytes() - rss0) / 1024.0 / n);
      Job running = jobs.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
      requireRunning(running);
      result.put("train: GetJob response (KiB)", running.getSerializedSize() / 1024.0);
      boundaries(timeline, running.getGeneration());
      if (n >= 1000) {
        c.histogram(dir.resolve("histogram-training.txt"));
      }

      step = "cut";
      lose(c, jobs, job.getId(), fleet, timeline, n / 2, "cut", SimulatedWorker::cutStream, n - 1);
      step = "silent";
      lose(c, jobs, job.getId(), fleet, timeline, n / 3, "silent", SimulatedWorker::goSilent, n - 2);
      requireRunning(jobs.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build()));

      step = "gather";
      jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
      fleet.close();
      fleet = null;
      TimeUnit.SECONDS.sleep(2); // pacing: the coordinator drops the closed streams of the first fleet
      Job second = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec(data, n, "gather-" + n)).build());
      Timeline gather = new Timeline(System::nanoTime);
      fleet = new SimulatedFleet("127.0.0.1", c.port(), n, options.workersPerConnection(),
          TimeUnit.SECONDS.toNanos(options.epochSeconds()), gather);
      long tGather = gather.now();
      fleet.attachAll();
      gather.await(Timeline.runEpoch(1, 1), n, AWAIT_S, TimeUnit.SECONDS);
      result.put("gather: job queued first, last RunEpoch after first Hello (s)",
          seconds(gather.nth(Timeline.runEpoch(1, 1), n), tGather));
      jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(second.getId()).build());
      Job gathered = jobs.getJob(GetJobRequest.newBuilder().setJobId(second.getId()).build()); // as stored
      result.put("gather: events stored for the job, cancel included", (double) gathered.getEventSequence());
      result.put("gather: workers that attached again (dropped by the coordinator)", gather.count(Timeline.REATTACH));
      say("done");
    } catch (TimeoutException | RuntimeException e) {
      result.broke = step + ": " + e.getMessage();
      say("BROKE at " + step + ": " + e.getMessage());
    } finally {
      if (fleet != null) {
        fleet.close();
      }
    }
  }

  /** Loses the worker at {@code rank} and times how the coordinator notices and re-forms the ring. */
  private void lose(CoordinatorProcess c, JobServiceGrpc.JobServiceBlockingStub jobs, String jobId,
      SimulatedFleet fleet, Timeline timeline, int rank, String how,
      java.util.function.Consumer<SimulatedWorker> loss, int survivors) throws Exception {
    Job before = jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    requireRunning(before);
    long gen = before.getGeneration();
    SimulatedWorker victim = fleet.byRank(rank)
        .orElseThrow(() -> new IllegalStateException("no worker holds rank " + rank));
    long cpu0 = c.cpuNanos();
    long t = timeline.now();
    loss.accept(victim);
    timeline.await(Timeline.pause(gen), 1, AWAIT_S, TimeUnit.SECONDS);
    timeline.await(Timeline.run(gen + 1), survivors, AWAIT_S, TimeUnit.SECONDS);
    double cpu = (c.cpuNanos() - cpu0) / 1e9;
    result.put(how + ": noticed, first Pause after the loss (s)", seconds(timeline.nth(Timeline.pause(gen), 1), t));
    result.put(how + ": ring re-formed, last RunEpoch after the loss (s)",
        seconds(timeline.nth(Timeline.run(gen + 1), survivors), t));
    result.put(how + ": coordinator CPU meanwhile (s)", cpu);
    say(how + " worker handled");
  }

  /** Epoch boundaries of generation {@code gen} seen so far: coordinator latency and fan-out, medians. */
  private void boundaries(Timeline timeline, long gen) {
    java.util.List<Double> first = new java.util.ArrayList<>();
    java.util.List<Double> last = new java.util.ArrayList<>();
    for (int e = 1; ; e++) {
      OptionalLong results = timeline.nth(Timeline.epochResult(gen, e), n);
      OptionalLong next1 = timeline.nth(Timeline.runEpoch(gen, e + 1), 1);
      OptionalLong nextN = timeline.nth(Timeline.runEpoch(gen, e + 1), n);
      if (results.isEmpty() || next1.isEmpty() || nextN.isEmpty()) {
        break;
      }
      first.add((next1.getAsLong() - results.getAsLong()) / 1e6);
      last.add((nextN.getAsLong() - results.getAsLong()) / 1e6);
    }
    if (first.isEmpty()) {
      result.note("no whole epoch boundary in the training window (epochs of " + options.epochSeconds() + " s)");
      return;
    }
    result.put("epoch boundary: last result to first RunEpoch (ms, median)", median(first));
    result.put("epoch boundary: last result to last RunEpoch (ms, median)", median(last));
    result.put("epoch boundaries measured", first.size());
  }

  private static double median(java.util.List<Double> xs) {
    java.util.List<Double> s = xs.stream().sorted().toList();
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  private static void requireRunning(Job j) {
    if (j.getState() != JobState.JOB_STATE_RUNNING && j.getState() != JobState.JOB_STATE_RECOVERING) {
      throw new IllegalStateException("job " + j.getId() + " is " + io.ringmaster.job.JobState.shortName(j.getState()) + ": " + j.getMessage());
    }
  }

  private JobSpec spec(Path data, int workers, String name) throws IOException {
    String yaml = """
        name: %s
        model: {architecture: mlp, hidden: [8]}
        data:
          train: {path: %s, labelColumn: label}
          test: {path: %s, labelColumn: label}
        epochs: 100000
        batchSize: %d
        updater: {type: sgd, learningRate: 0.01}
        workers: %d
        """.formatted(name, data.resolve("train.csv"), data.resolve("test.csv"), 4 * workers, workers);
    return SpecProtos.toProto(JobSpecYaml.parse(yaml, dir));
  }

  /** Coordinator CPU nanoseconds over a window of {@code seconds}, normalised to one second. */
  private static long cpuOver(CoordinatorProcess c, int seconds) throws InterruptedException {
    long cpu0 = c.cpuNanos();
    long t0 = System.nanoTime();
    TimeUnit.SECONDS.sleep(seconds); // the measurement window
    return (long) ((c.cpuNanos() - cpu0) / ((System.nanoTime() - t0) / 1e9));
  }

  private static double pct(long cpuNanosPerSecond) {
    return cpuNanosPerSecond / 1e7;
  }

  private double perWorkerMicros(long cpuNanosPerSecond) {
    return cpuNanosPerSecond / 1e3 / n;
  }

  private static double seconds(long at, long from) {
    return (at - from) / 1e9;
  }

  private static double seconds(OptionalLong at, long from) {
    return at.isPresent() ? seconds(at.getAsLong(), from) : Double.NaN;
  }

  private void say(String what) {
    progress.printf("[%s %d workers] %s%n", result.tree, n, what);
    progress.flush();
  }

  static PrintWriter stdout() {
    return new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
  }
}
