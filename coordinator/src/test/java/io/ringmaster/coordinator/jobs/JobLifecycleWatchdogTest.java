package io.ringmaster.coordinator.jobs;

import static io.ringmaster.coordinator.jobs.LifecycleHarness.ft;
import static io.ringmaster.coordinator.jobs.LifecycleHarness.steps;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.ASSIGN;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.PAUSE;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.RUN_EPOCH;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.jobs.JobLifecycle.Phase;
import io.ringmaster.coordinator.jobs.JobTimer.Kind;
import io.ringmaster.job.JobState;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.WorkerActivity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The no-progress watchdog: a job is never RUNNING silently (issue 13, defect 1). */
class JobLifecycleWatchdogTest {
  private static final int IDLE = JobSettings.DEFAULT_IDLE_HEARTBEATS;

  private static void heartbeats(LifecycleHarness h, List<WorkerRef> ws, WorkerActivity.Kind kind, int rounds) {
    for (int i = 0; i < rounds; i++) {
      for (WorkerRef w : ws) {
        h.activity(w, kind);
      }
    }
  }

  @Test
  void aRingWhoseMembersAllWaitWhileTheCoordinatorWaitsIsReformed() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    heartbeats(h, ws, WorkerActivity.Kind.WAITING, IDLE - 1);
    assertThat(h.phase()).as("%d idle heartbeats are not enough", IDLE - 1).isEqualTo(Phase.TRAINING);
    heartbeats(h, ws, WorkerActivity.Kind.WAITING, 1);

    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.state()).isEqualTo(JobState.RECOVERING);
    assertThat(h.sent(ws.get(0), PAUSE)).hasSize(1);
    assertThat(h.notices()).anyMatch(n -> n.startsWith("no progress: every live rank reports that it runs no"
        + " command for this ring (rank 0 WAITING (job job-1, generation 1, epoch 0, step 0), rank 1 WAITING")
        && n.endsWith("while the coordinator waits for StepProgress and EpochResult of epoch 1 (generation 1)"
        + " from ranks [0, 1]; re-forming the ring"));

    h.paused(ws.get(0), 1, 0);
    h.paused(ws.get(1), 1, 0);
    h.ready(ws);
    assertThat(h.sent(ws.get(0), RUN_EPOCH)).as("the epoch is sent again to the new ring").hasSize(1);
    h.progress(ws.get(0), 1, 1);
    h.epochResults(ws, 1);
    assertThat(h.phase()).isEqualTo(Phase.SAVING);
  }

  @Test
  void heartbeatsReceivedBeforeTheCommandWasSentDoNotCountHoweverLateTheyAreRead() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2); // TRAINING: RunEpoch sent at h.nanos
    long sentAt = h.nanos;
    h.advance(Duration.ofSeconds(10)); // the job's thread read them late: behind a large gang's hand-over
    for (int i = 0; i < 3 * IDLE; i++) {
      for (WorkerRef w : ws) {
        h.feed(new JobInput.Activity(w, WorkerActivity.newBuilder().setKind(WorkerActivity.Kind.NO_JOB).build(),
            sentAt - 1));
      }
    }
    assertThat(h.phase()).as("stale heartbeats say nothing about the RunEpoch").isEqualTo(Phase.TRAINING);

    for (int i = 0; i < IDLE; i++) {
      for (WorkerRef w : ws) {
        h.feed(new JobInput.Activity(w, WorkerActivity.newBuilder().setKind(WorkerActivity.Kind.NO_JOB).build(),
            h.nanos));
      }
    }
    assertThat(h.phase()).as("received after it, they do").isEqualTo(Phase.PAUSING);
  }

  @Test
  void busyOrSilentMembersNeverTriggerIt() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    for (int i = 0; i < 3 * IDLE; i++) {
      h.activity(ws.get(0), WorkerActivity.Kind.WAITING); // sent its result, waits
      h.activity(ws.get(1), WorkerActivity.Kind.EVALUATING);
    }
    assertThat(h.phase()).isEqualTo(Phase.TRAINING);
    for (int i = 0; i < 3 * IDLE; i++) {
      h.activity(ws.get(0), WorkerActivity.Kind.WAITING);
      h.activity(ws.get(1), WorkerActivity.Kind.KIND_UNSPECIFIED); // a worker that does not report it
    }
    assertThat(h.phase()).isEqualTo(Phase.TRAINING);
    assertThat(h.notices()).noneMatch(n -> n.startsWith("no progress"));
  }

  @Test
  void repeatedIdleRecoveriesWithoutAStepFailTheJobNamingWhatItWaitedFor() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    for (int i = 0; i < JobSettings.DEFAULT_MAX_IDLE_RECOVERIES; i++) {
      heartbeats(h, ws, WorkerActivity.Kind.WAITING, IDLE);
      assertThat(h.phase()).isEqualTo(Phase.PAUSING);
      h.paused(ws.get(0), 1, 0);
      h.paused(ws.get(1), 1, 0);
      h.ready(ws);
    }
    heartbeats(h, ws, WorkerActivity.Kind.WAITING, IDLE);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_NO_PROGRESS);
    assertThat(h.job().getMessage()).contains("while the coordinator waits for StepProgress and EpochResult of"
        + " epoch 1 (generation 4) from ranks [0, 1]").endsWith("the ring was re-formed 3 time(s) for this"
        + " without a step completing");
  }

  @Test
  void aLostEpochResultIsNoticedToo() {
    LifecycleHarness h = new LifecycleHarness(2, 2, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    h.epochResults(List.of(ws.get(0)), 1); // rank 1's result never arrives
    heartbeats(h, ws, WorkerActivity.Kind.WAITING, IDLE);
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.job().getMessage()).isEqualTo("re-forming the ring: no progress: the coordinator waited for"
        + " StepProgress and EpochResult of epoch 1 (generation 1) from ranks [1]");
  }

  @Test
  void noProgressMessageAtAllForTheBoundFailsTheJob() {
    JobSettings settings = JobSettings.DEFAULTS.withWatchdog(Duration.ofSeconds(60), IDLE, 3);
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false, settings, null);
    h.start();
    List<WorkerRef> ws = h.attach(2);
    h.ready(List.of(ws.get(0)));
    assertThat(h.timerRunning(Kind.NO_PROGRESS)).isTrue();

    h.advance(Duration.ofSeconds(40));
    h.fire(Kind.NO_PROGRESS); // early (a progress message restarted the bound): re-armed, not failed
    assertThat(h.state()).isEqualTo(JobState.STARTING);
    assertThat(h.actions(JobAction.StartTimer.class)).singleElement()
        .satisfies(t -> assertThat(t.delayMillis()).isEqualTo(20_000));

    h.advance(Duration.ofSeconds(20));
    h.fire(Kind.NO_PROGRESS);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_NO_PROGRESS);
    assertThat(h.job().getMessage()).isEqualTo("no progress for 60 s (JobSettings.noProgressTimeout = 60 s)"
        + " while waiting for Ready of generation 1 from ranks [1]; last activity: rank 0 no activity reported,"
        + " rank 1 no activity reported");
  }

  @Test
  void stepsKeepTheBoundAway() {
    JobSettings settings = JobSettings.DEFAULTS.withWatchdog(Duration.ofSeconds(60), IDLE, 3);
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false, settings, null);
    List<WorkerRef> ws = h.running(2);
    for (int step = 1; step <= 5; step++) {
      h.advance(Duration.ofSeconds(50));
      h.progress(ws.get(0), 1, step);
      if (h.timerRunning(Kind.NO_PROGRESS) && step % 2 == 0) {
        h.fire(Kind.NO_PROGRESS);
      }
    }
    assertThat(h.state()).isEqualTo(JobState.RUNNING);
  }

  /**
   * Issue 13's hang: the coordinator lost both workers during epoch 2, they came back, the ring re-formed
   * from the epoch-1 checkpoint (generation 2 with one rank, 3 with both), both were Ready, then both sat
   * paused. The loss of the epoch-2 work is reported, and the silence is noticed and recovered.
   */
  @Test
  void theCoordinatorPartitionHangIsReportedAndRecovered() {
    LifecycleHarness h = new LifecycleHarness(2, 2, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    h.epochResults(ws, 1);
    h.checkpoint("ckpt-e1", 1, steps(1));
    h.progress(ws.get(0), 2, 6);
    h.progress(ws.get(1), 2, 6);
    h.feed(new JobInput.Unresponsive(ws.get(0), 6_100));
    h.feed(new JobInput.Unresponsive(ws.get(1), 6_200));
    assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_REPLACEMENTS);

    // both re-attach: new sessions under the same worker ids
    WorkerRef back0 = new WorkerRef(100, ws.get(0).workerId(), "10.0.0.1", 7000, 100, -1, "");
    WorkerRef back1 = new WorkerRef(101, ws.get(1).workerId(), "10.0.0.2", 7001, 101, -1, "");
    assertThat(h.lifecycle.claimFreeWorkerSlot()).isTrue();
    h.feed(new JobInput.Attached(back0));
    assertThat(h.generation()).as("one rank is enough to resume").isEqualTo(2);
    assertThat(h.sent(back0, ASSIGN).get(0).getAssign().getResume().getCheckpointId()).isEqualTo("ckpt-e1");
    assertThat(h.notices()).contains("every worker holding the model was lost: resuming from checkpoint ckpt-e1"
        + " at epoch 1 step " + steps(1) + "; the work from there to epoch 2 step 6 (the furthest any worker"
        + " reported) is lost and is trained again");
    assertThat(h.lifecycle.claimFreeWorkerSlot()).isTrue();
    h.feed(new JobInput.Attached(back1));
    h.ready(List.of(back0));
    h.paused(back0, 1, steps(1));
    assertThat(h.generation()).isEqualTo(3);
    h.ready(List.of(back0, back1));
    assertThat(h.sent(back0, RUN_EPOCH).get(0).getRunEpoch().getEpoch()).isEqualTo(2);

    // both sit "paused before step 0": they wait, the coordinator waits
    heartbeats(h, List.of(back0, back1), WorkerActivity.Kind.WAITING, IDLE);
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    h.paused(back0, 2, 0);
    h.paused(back1, 2, 0);
    h.ready(List.of(back0, back1));
    h.progress(back0, 2, 1);
    h.epochResults(List.of(back0, back1), 2);
    h.saved(back0);
    assertThat(h.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.job().getEpochsList()).hasSize(2);
  }
}
