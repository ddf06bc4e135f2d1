package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.MutableClock;
import io.ringmaster.cli.TestJobs;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.WorkerState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchRendererTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(TestJobs.T0));

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Job submitted() {
    return Job.newBuilder().setId("j1").setSpec(TestJobs.spec(2, 2)).build();
  }

  @Test
  void scriptedStreamGivesTheEpochLinesAndKeepsTheFinalJob() {
    WatchRenderer r = new WatchRenderer(out, false, clock, 80);
    List<JobEvent> events = TestJobs.run(submitted(), JobState.JOB_STATE_SUCCEEDED, "");

    events.forEach(r::accept);
    r.close();

    assertThat(output().lines().toList()).containsExactly(
        "Job j1 fashion-mlp: mlp [256, 128] relu, 2 workers, 2 epochs, global batch 128  [QUEUED]",
        "Starting 2 workers...",
        "Training on 2 workers: 60,000 training, 10,000 test samples.",
        "Epoch 1/2  train loss 0.5000  test loss 0.5000  test acc 82.00%  12.3 s  4,870 samples/s  2 workers",
        "Epoch 2/2  train loss 0.4000  test loss 0.4500  test acc 84.00%  12.3 s  4,870 samples/s  2 workers");
    assertThat(r.job().getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(r.job().getModelPath()).isEqualTo("/runs/j1/model.zip");
  }

  @Test
  void trainingOnCountsTheRingsLiveMembersNotEveryWorkerThatJoined() {
    WatchRenderer r = new WatchRenderer(out, false, clock, 80);
    Job recovering = submitted().toBuilder().setState(JobState.JOB_STATE_RECOVERING).build();
    r.accept(TestJobs.event(JobEvent.Kind.SNAPSHOT, recovering));
    // after re-admissions: two live members, two workers that left, one joiner waiting for the next ring
    Job running = recovering.toBuilder().setState(JobState.JOB_STATE_RUNNING)
        .addWorkers(TestJobs.worker(0, 4000, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 4003, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(-1, 4004, WorkerState.WORKER_LAUNCHING).toBuilder().setWorkerId("w-joining"))
        .addWorkers(TestJobs.worker(1, 4001, WorkerState.WORKER_LOST).toBuilder().setWorkerId("w-gone-1"))
        .addWorkers(TestJobs.worker(1, 4002, WorkerState.WORKER_LOST).toBuilder().setWorkerId("w-gone-2"))
        .build();
    r.accept(TestJobs.event(JobEvent.Kind.STATE_CHANGED, running));
    Job shrunk = running.toBuilder().setState(JobState.JOB_STATE_RECOVERING).build();
    r.accept(TestJobs.event(JobEvent.Kind.STATE_CHANGED, shrunk));
    Job one = shrunk.toBuilder().setState(JobState.JOB_STATE_RUNNING)
        .setWorkers(1, TestJobs.worker(1, 4003, WorkerState.WORKER_LOST)).build();
    r.accept(TestJobs.event(JobEvent.Kind.STATE_CHANGED, one));

    assertThat(output().lines().filter(l -> l.startsWith("Training on")).toList())
        .containsExactly("Training on 2 workers.", "Training on 1 worker.");
  }

  @Test
  void epochsInASnapshotArePrintedOnceEvenIfTheyArriveAgain() {
    WatchRenderer r = new WatchRenderer(out, false, clock, 80);
    Job running = submitted().toBuilder().setState(JobState.JOB_STATE_RUNNING)
        .addEpochs(TestJobs.epoch(1, 2)).build();

    r.accept(TestJobs.event(JobEvent.Kind.SNAPSHOT, running));
    r.accept(TestJobs.event(JobEvent.Kind.EPOCH_FINISHED, running).toBuilder().setEpoch(TestJobs.epoch(1, 2)).build());
    r.accept(TestJobs.event(JobEvent.Kind.PROGRESS, running));

    assertThat(output().lines().filter(l -> l.startsWith("Epoch 1/2"))).hasSize(1);
  }

  @Test
  void plainProgressIsPacedByTheClockAndHasNoControlCharacters() {
    WatchRenderer r = new WatchRenderer(out, false, clock, 80);
    Job.Builder j = submitted().toBuilder().setState(JobState.JOB_STATE_RUNNING).setTrainSamples(60_000);
    r.accept(TestJobs.event(JobEvent.Kind.SNAPSHOT, j.build()));

    for (int step = 10; step <= 400; step += 10) {
      clock.advance(Duration.ofSeconds(1));
      j.setProgress(Progress.newBuilder().setEpoch(1).setStep(step).setStepsInEpoch(400).setSamples(step * 150L)
          .setSamplesPerS(1500).setTrainLoss(0.7));
      r.accept(TestJobs.event(JobEvent.Kind.PROGRESS, j.build()));
    }
    r.close();

    // 40 updates one second apart: a line every 10 s
    assertThat(output().lines().filter(l -> l.startsWith("  Epoch 1/2  ")).toList()).containsExactly(
        "  Epoch 1/2  100/400 steps (25%)  1,500 samples/s  loss 0.7000  ETA 0:30",
        "  Epoch 1/2  200/400 steps (50%)  1,500 samples/s  loss 0.7000  ETA 0:20",
        "  Epoch 1/2  300/400 steps (75%)  1,500 samples/s  loss 0.7000  ETA 0:10",
        "  Epoch 1/2  400/400 steps (100%)  1,500 samples/s  loss 0.7000  ETA 0:00");
    assertThat(output()).doesNotContain("\r").doesNotContain("\u001b");
  }

  @Test
  void terminalBarIsRedrawnInPlaceAndWipedBeforeTheNextLine() {
    WatchRenderer r = new WatchRenderer(out, true, clock, 80);
    Job.Builder j = submitted().toBuilder().setState(JobState.JOB_STATE_RUNNING).setTrainSamples(60_000);
    r.accept(TestJobs.event(JobEvent.Kind.SNAPSHOT, j.build()));
    j.setProgress(Progress.newBuilder().setEpoch(1).setStep(100).setStepsInEpoch(400).setSamples(15_000)
        .setSamplesPerS(1500));
    r.accept(TestJobs.event(JobEvent.Kind.PROGRESS, j.build()));
    clock.advance(Duration.ofMillis(50)); // too soon: not redrawn
    j.setProgress(j.getProgress().toBuilder().setStep(150));
    r.accept(TestJobs.event(JobEvent.Kind.PROGRESS, j.build()));
    clock.advance(Duration.ofMillis(100));
    j.setProgress(j.getProgress().toBuilder().setStep(200));
    r.accept(TestJobs.event(JobEvent.Kind.PROGRESS, j.build()));
    j.addEpochs(TestJobs.epoch(1, 2));
    r.accept(TestJobs.event(JobEvent.Kind.EPOCH_FINISHED, j.build()));

    String s = output();
    assertThat(s).contains("\rEpoch 1/2 [===>").contains("] 100/400").contains("] 200/400")
        .doesNotContain("150/400");
    int barLength = ProgressLine.of(j.build()).bar(79).length();
    assertThat(barLength).isLessThanOrEqualTo(79);
    assertThat(s).contains("\r" + " ".repeat(barLength) + "\rEpoch 1/2  train loss");
    assertThat(s).doesNotContain("\u001b");
  }

  @Test
  void lostWorkersAndNoticesAreReported() {
    WatchRenderer r = new WatchRenderer(out, false, clock, 80);
    Job.Builder j = submitted().toBuilder().setState(JobState.JOB_STATE_RUNNING)
        .addWorkers(TestJobs.worker(0, 10, WorkerState.WORKER_ACTIVE))
        .addWorkers(TestJobs.worker(1, 11, WorkerState.WORKER_ACTIVE));
    r.accept(TestJobs.event(JobEvent.Kind.SNAPSHOT, j.build()));
    r.accept(TestJobs.event(JobEvent.Kind.NOTICE, j.build()).toBuilder()
        .setNotice("no progress from rank 1 for 30 s").build());
    j.setWorkers(1, TestJobs.worker(1, 11, WorkerState.WORKER_LOST).toBuilder()
        .setMessage("process exited").setExitCode(137));
    r.accept(TestJobs.event(JobEvent.Kind.WORKERS_CHANGED, j.build()));
    r.accept(TestJobs.event(JobEvent.Kind.WORKERS_CHANGED, j.build()));

    assertThat(output().lines().skip(1).toList()).containsExactly(
        "Notice: no progress from rank 1 for 30 s",
        "Worker rank 1 (pid 11, 127.0.0.1:41001) lost: process exited, exit code 137; log: /runs/job-1/worker-1.log");
  }
}
