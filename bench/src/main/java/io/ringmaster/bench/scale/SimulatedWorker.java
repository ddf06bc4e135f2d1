package io.ringmaster.bench.scale;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.Heartbeat;
import io.ringmaster.proto.v1.Hello;
import io.ringmaster.proto.v1.ModelSaved;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.Ready;
import io.ringmaster.proto.v1.RunEpoch;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerMessage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A worker that speaks the control protocol ({@code WorkerControl.Attach}, control.proto) exactly as a
 * hand-started worker does, over real gRPC, but does no math and joins no real ring: it answers Assign
 * with Ready at once, "trains" an epoch by advancing its step counter with the clock (one epoch lasts
 * {@code epochNanos}, whatever the number of steps), sends StepProgress every 300 ms like the real worker
 * and, after the last step, an EpochResult whose counters add up as the coordinator checks them (global
 * training counters equal on every rank, the rank's own slice of the test set, the same parameter
 * checksum everywhere). It answers Pause with Paused (its cursor), SaveModel with ModelSaved (rank 0) and
 * sends a heartbeat with its {@link WorkerActivity} every {@code Welcome.heartbeat_interval_ms}.
 *
 * <p>Two ways to lose it: {@link #goSilent()} (it stops sending anything, its stream stays open: found by
 * the coordinator's heartbeat timeout) and {@link #cutStream()} (the call is cancelled: RST_STREAM, found
 * at once). Like a hand-started worker, it attaches again (same worker id, a new stream, one second later)
 * when the coordinator ends its stream, e.g. after dropping it as silent; a cut or silent worker does not.
 *
 * <p>What it records in the {@link Timeline}: Welcome, every Assign / RunEpoch / Pause received (by
 * generation and epoch), every EpochResult sent, Release and the stream's end.
 *
 * <p>Thread-safe: gRPC callbacks and the shared timer take the worker's lock; sends happen under it.
 */
final class SimulatedWorker {
  private static final long PROGRESS_EVERY_MS = 300;

  private final int index;
  private final String workerId;
  private final WorkerControlGrpc.WorkerControlStub stub;
  private final ScheduledExecutorService timer;
  private final Timeline timeline;
  private final long epochNanos;

  private ClientCallStreamObserver<WorkerMessage> out;
  private ScheduledFuture<?> heartbeats;
  private ScheduledFuture<?> progress;
  private boolean silent;
  private boolean ended;
  /** Cut or closed by the benchmark: never attaches again. */
  private boolean stopped;

  // the job as this worker holds it (guarded by this)
  private String jobId = "";
  private long generation;
  private int rank;
  private int worldSize;
  private long trainSamples;
  private long testSamples;
  private int batch;
  private int steps;
  private int epoch;
  private long completed;
  private long runStartStep;
  private long runStartNanos;
  private long pausedGeneration = -1;
  private WorkerActivity.Kind kind = WorkerActivity.Kind.NO_JOB;

  SimulatedWorker(int index, WorkerControlGrpc.WorkerControlStub stub, ScheduledExecutorService timer,
      Timeline timeline, long epochNanos) {
    this.index = index;
    this.workerId = String.format("sim-%05d", index);
    this.stub = stub;
    this.timer = timer;
    this.timeline = timeline;
    this.epochNanos = epochNanos;
  }

  String workerId() {
    return workerId;
  }

  /** Opens the control stream and says Hello. */
  void attach() {
    synchronized (this) {
      if (stopped || silent) {
        return;
      }
      ended = false;
      jobId = "";
      kind = WorkerActivity.Kind.NO_JOB;
      pausedGeneration = -1;
    }
    stub.attach(new ClientResponseObserver<WorkerMessage, CoordinatorMessage>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WorkerMessage> requestStream) {
        synchronized (SimulatedWorker.this) {
          out = requestStream;
        }
      }

      @Override
      public void onNext(CoordinatorMessage m) {
        received(m);
      }

      @Override
      public void onError(Throwable t) {
        endedByCoordinator();
      }

      @Override
      public void onCompleted() {
        endedByCoordinator();
      }
    });
    send(WorkerMessage.newBuilder().setHello(Hello.newBuilder().setWorkerId(workerId).setHost("127.0.0.1")
        .setPort(20_000 + index).setPid(1_000_000L + index).setVersion("scale-bench")).build());
  }

  /** Stops sending anything (heartbeats, progress, answers); the stream stays open. */
  synchronized void goSilent() {
    silent = true;
  }

  /** Cancels the control stream, as a broken connection would end it. */
  synchronized void cutStream() {
    stopped = true;
    if (out != null && !ended) {
      out.cancel("scale bench: stream cut", null);
    }
    streamEnded();
  }

  /** Rank in the job's current ring, or -1 without a job. */
  synchronized int rank() {
    return jobId.isEmpty() ? -1 : rank;
  }

  synchronized boolean ended() {
    return ended;
  }

  /** Closes the stream cleanly (end of the benchmark). */
  synchronized void close() {
    stopped = true;
    if (out != null && !ended) {
      try {
        out.onCompleted();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    streamEnded();
  }

  // ---------------------------------------------------------------- the protocol

  private synchronized void received(CoordinatorMessage m) {
    if (ended || silent) {
      return;
    }
    switch (m.getBodyCase()) {
      case WELCOME -> {
        timeline.record(Timeline.WELCOME);
        long every = Math.max(1, m.getWelcome().getHeartbeatIntervalMs());
        heartbeats = timer.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        progress = timer.scheduleAtFixedRate(this::progressTick, PROGRESS_EVERY_MS, PROGRESS_EVERY_MS,
            TimeUnit.MILLISECONDS);
      }
      case ASSIGN -> assign(m.getAssign());
      case RUN_EPOCH -> runEpoch(m.getRunEpoch());
      case PAUSE -> pause(m.getPause().getGeneration(), m.getPause().getReason());
      case SAVE_MODEL -> send(WorkerMessage.newBuilder().setModelSaved(ModelSaved.newBuilder().setJobId(jobId)
          .setPath(m.getSaveModel().getPath())).build());
      case RELEASE -> {
        timeline.record(Timeline.RELEASE);
        jobId = "";
        kind = WorkerActivity.Kind.NO_JOB;
      }
      default -> { }
    }
  }

  private void assign(Assign a) {
    jobId = a.getJobId();
    generation = a.getMembership().getGeneration();
    rank = a.getMembership().getRank();
    worldSize = a.getMembership().getPeersCount();
    trainSamples = a.getTrain().getSamples();
    testSamples = a.getTest().getSamples();
    batch = a.getSpec().getBatchSize();
    steps = (int) ((trainSamples + batch - 1) / batch);
    // fresh, kept or copied from a peer: the cursor is the resume point either way (no replica to move)
    epoch = Math.max(1, a.getResume().getEpoch());
    completed = a.getResume().getStep();
    kind = WorkerActivity.Kind.WAITING;
    timeline.record(Timeline.assign(generation));
    send(WorkerMessage.newBuilder().setReady(Ready.newBuilder().setJobId(jobId).setGeneration(generation)).build());
  }

  private void runEpoch(RunEpoch r) {
    if (!r.getJobId().equals(jobId) || r.getGeneration() != generation || pausedGeneration == generation) {
      sendPaused("RunEpoch of a generation this worker does not run");
      return;
    }
    epoch = r.getEpoch();
    completed = r.getStartStep();
    runStartStep = r.getStartStep();
    runStartNanos = timeline.now();
    kind = WorkerActivity.Kind.TRAINING;
    timeline.record(Timeline.runEpoch(generation, epoch));
    timeline.record(Timeline.run(generation));
  }

  private void pause(long gen, String reason) {
    if (gen != generation || pausedGeneration == gen) {
      return; // stale, or answered already
    }
    timeline.record(Timeline.pause(gen));
    advance();
    pausedGeneration = gen;
    kind = WorkerActivity.Kind.WAITING;
    sendPaused(reason);
  }

  private void sendPaused(String reason) {
    send(WorkerMessage.newBuilder().setPaused(Paused.newBuilder().setJobId(jobId).setGeneration(generation)
        .setEpoch(epoch).setCompletedSteps(completed).setReason(reason).setEpochTrained(completed >= steps)
        .setHoldsState(true)).build());
  }

  /** Steps done by now while training: the clock stands in for the math. */
  private void advance() {
    if (kind != WorkerActivity.Kind.TRAINING || steps == 0) {
      return;
    }
    long stepNanos = Math.max(1, epochNanos / steps);
    long done = runStartStep + (timeline.now() - runStartNanos) / stepNanos;
    completed = Math.min(steps, done);
  }

  private synchronized void progressTick() {
    if (ended || silent || kind != WorkerActivity.Kind.TRAINING) {
      return;
    }
    advance();
    long samples = Math.min(trainSamples, completed * batch);
    send(WorkerMessage.newBuilder().setProgress(StepProgress.newBuilder().setJobId(jobId).setEpoch(epoch)
        .setSteps(completed).setStepsInEpoch(steps).setSamples(samples).setLossSum(0.5 * samples)).build());
    if (completed >= steps) {
      kind = WorkerActivity.Kind.WAITING;
      long mySlice = slice(testSamples, rank + 1, worldSize) - slice(testSamples, rank, worldSize);
      timeline.record(Timeline.epochResult(generation, epoch));
      send(WorkerMessage.newBuilder().setEpochResult(EpochResult.newBuilder().setJobId(jobId).setEpoch(epoch)
          .setGeneration(generation).setSteps(steps).setTrainSamples(trainSamples)
          .setTrainLossSum(0.5 * trainSamples).setTrainLossSamples(trainSamples).setTestSamples(mySlice)
          .setTestLossSum(0.4 * mySlice).setTestCorrect(mySlice * 4 / 5).setTrainSeconds(epochNanos / 1e9)
          .setParamsChecksum(0x5CA1E000L + epoch)).build());
    }
  }

  private static long slice(long total, int rank, int world) {
    return rank * total / world;
  }

  private synchronized void heartbeat() {
    if (ended || silent) {
      return;
    }
    advance();
    WorkerActivity.Builder a = WorkerActivity.newBuilder().setKind(kind);
    if (!jobId.isEmpty()) {
      a.setJobId(jobId).setGeneration(generation).setEpoch(epoch).setCompletedSteps(completed);
    }
    send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMs(System.currentTimeMillis())
        .setActivity(a)).build());
  }

  private synchronized void send(WorkerMessage m) {
    if (ended || silent || out == null) {
      return;
    }
    try {
      out.onNext(m);
    } catch (RuntimeException e) {
      streamEnded();
    }
  }

  /** The coordinator ended the stream: a free worker attaches again, as {@code ringmaster worker} does. */
  private synchronized void endedByCoordinator() {
    boolean wasOpen = !ended;
    streamEnded();
    if (wasOpen && !stopped && !silent) {
      timeline.record(Timeline.REATTACH);
      timer.schedule(this::attach, 1, TimeUnit.SECONDS);
    }
  }

  private synchronized void streamEnded() {
    if (ended) {
      return;
    }
    ended = true;
    timeline.record(Timeline.ENDED);
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    if (progress != null) {
      progress.cancel(false);
    }
  }
}
