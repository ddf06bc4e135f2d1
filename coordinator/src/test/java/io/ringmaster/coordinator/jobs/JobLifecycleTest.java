package io.ringmaster.coordinator.jobs;

import static io.ringmaster.coordinator.jobs.LifecycleHarness.ft;
import static io.ringmaster.coordinator.jobs.LifecycleHarness.steps;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.ASSIGN;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.PAUSE;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.RELEASE;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.RUN_EPOCH;
import static io.ringmaster.proto.v1.CoordinatorMessage.BodyCase.SAVE_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.jobs.JobLifecycle.Phase;
import io.ringmaster.coordinator.jobs.JobTimer.Kind;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.job.JobState;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.ResumePoint;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobLifecycleTest {

  // ------------------------------------------------------------------ the table itself

  @Test
  void everyPhaseHasARowAndOnlyDoneIsFinal() {
    assertThat(JobLifecycle.TRANSITIONS.keySet()).isEqualTo(EnumSet.allOf(Phase.class));
    for (Phase p : Phase.values()) {
      if (p == Phase.DONE) {
        assertThat(JobLifecycle.TRANSITIONS.get(p)).as("DONE is final").isEmpty();
      } else {
        assertThat(JobLifecycle.TRANSITIONS.get(p)).as("%s can always end", p).contains(Phase.DONE);
      }
    }
    assertThat(JobLifecycle.TRANSITIONS.get(Phase.WAITING_FOR_WORKERS))
        .as("a job cannot train before its first ring is formed").doesNotContain(Phase.TRAINING, Phase.PAUSING);
  }

  // ------------------------------------------------------------------ a job's life without trouble

  @Test
  void firstRingTrainsEveryEpochSavesAndReleasesTheWorkers() {
    LifecycleHarness h = new LifecycleHarness(2, 2, ft(0, -1), false);
    h.start();
    assertThat(h.state()).isEqualTo(JobState.STARTING);
    assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WORKERS);
    WorkerRef a = h.attach();
    assertThat(h.sent(a, ASSIGN)).as("one worker of two: no ring yet").isEmpty();
    WorkerRef b = h.attach();
    assertThat(h.phase()).isEqualTo(Phase.PREPARING);
    CoordinatorMessage assignA = h.sent(a, ASSIGN).get(0);
    CoordinatorMessage assignB = h.sent(b, ASSIGN).get(0);
    assertThat(assignA.getAssign().getMembership().getGeneration()).isEqualTo(1);
    assertThat(assignA.getAssign().getMembership().getRank()).isEqualTo(0);
    assertThat(assignB.getAssign().getMembership().getRank()).isEqualTo(1);
    assertThat(assignA.getAssign().getResume().getFresh()).isTrue();
    assertThat(h.timerRunning(Kind.NO_PROGRESS)).as("the absolute bound runs while the job waits for Ready").isTrue();

    h.ready(List.of(a));
    assertThat(h.sent(a, RUN_EPOCH)).as("one Ready of two").isEmpty();
    h.ready(List.of(b));
    assertThat(h.state()).isEqualTo(JobState.RUNNING);
    assertThat(h.job().getMessage()).isEqualTo("training on 2 worker(s)");
    assertThat(h.sent(a, RUN_EPOCH).get(0).getRunEpoch().getEpoch()).isEqualTo(1);
    assertThat(h.sent(b, RUN_EPOCH).get(0).getRunEpoch().getStartStep()).isZero();

    h.epochResults(List.of(a, b), 1);
    assertThat(h.job().getEpochsList()).hasSize(1);
    assertThat(h.job().getEpochs(0).getSamples()).isEqualTo(LifecycleHarness.TRAIN);
    assertThat(h.sent(a, RUN_EPOCH).get(0).getRunEpoch().getEpoch()).as("epoch 2 follows").isEqualTo(2);

    h.epochResults(List.of(a, b), 2);
    assertThat(h.phase()).isEqualTo(Phase.SAVING);
    assertThat(h.sent(a, SAVE_MODEL)).as("rank 0 saves").hasSize(1);
    assertThat(h.sent(b, SAVE_MODEL)).isEmpty();

    h.saved(a);
    assertThat(h.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.job().getModelPath()).isEqualTo("/jobs/job-1/model.zip");
    assertThat(h.sent(a, RELEASE)).hasSize(1);
    assertThat(h.sent(b, RELEASE).get(0).getRelease().getShutdown()).as("a free worker stays up").isFalse();
    assertThat(h.actions(JobAction.Finished.class).get(0).freed()).containsExactly(a, b);
    assertThat(h.timerRunning(Kind.NO_PROGRESS)).as("every timer is cancelled at the end").isFalse();
    assertThat(h.job().getWorkersList()).extracting(WorkerStatus::getState)
        .containsOnly(WorkerState.WORKER_EXITED);
  }

  @Test
  void aLaunchingSchedulerStartsTheWorkersAndBoundsTheirStart() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, 0), true);
    h.start();
    assertThat(h.actions(JobAction.Launch.class)).containsExactly(new JobAction.Launch(0, 2));
    assertThat(h.timerRunning(Kind.START)).isTrue();
    h.attach();
    h.advance(JobSettings.DEFAULTS.workerStartTimeout());
    h.fire(Kind.START);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT);
    assertThat(h.job().getMessage()).startsWith("only 1 of 2 workers attached within 180 s; see the logs in");
  }

  @Test
  void aHandedOverGangThatLostAMemberBeforeItsFirstRingDoesNotHoldTheOthersForEver() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, 0), false);
    h.start();
    assertThat(h.timerRunning(Kind.START)).isTrue();
    h.attach(); // the other member of the gang detached before it was handed over
    h.advance(JobSettings.DEFAULTS.workerStartTimeout());
    h.fire(Kind.START);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_WORKER_START_TIMEOUT);
    assertThat(h.job().getMessage()).startsWith("only 1 of 2 workers attached within 180 s");
  }

  @Test
  void aLaunchTheSchedulerRefusesFailsTheJobWithItsReason() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, 0), true);
    h.start();
    h.feed(new JobInput.LaunchFailed(FailureReason.FAILURE_REASON_LAUNCH_FAILED, "no room"));
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_LAUNCH_FAILED);
  }

  // ------------------------------------------------------------------ losing and gaining workers

  @Test
  void losingAMemberMidEpochPausesTheOthersAndResumesAtTheMostAdvancedCursor() {
    LifecycleHarness h = new LifecycleHarness(3, 1, ft(2, 0), false);
    List<WorkerRef> ws = h.running(3);
    h.progress(ws.get(0), 1, 4);
    h.progress(ws.get(1), 1, 5);
    h.feed(new JobInput.Detached(ws.get(2), "stream failed: UNAVAILABLE"));

    assertThat(h.state()).isEqualTo(JobState.RECOVERING);
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.sent(ws.get(0), PAUSE)).hasSize(1);
    assertThat(h.sent(ws.get(1), PAUSE)).hasSize(1);
    assertThat(h.sent(ws.get(2), PAUSE)).as("the lost rank is not asked").isEmpty();
    assertThat(h.notices()).anyMatch(n -> n.startsWith("rank 2 (pid 102 at 10.0.0.3:7002) lost during epoch 1"));
    assertThat(h.timerRunning(Kind.PAUSE)).isTrue();

    h.paused(ws.get(0), 1, 4);
    assertThat(h.sent(ws.get(0), ASSIGN)).as("rank 1 has not answered").isEmpty();
    h.paused(ws.get(1), 1, 5);
    assertThat(h.phase()).isEqualTo(Phase.PREPARING);
    assertThat(h.generation()).isEqualTo(2);
    ResumePoint r0 = h.sent(ws.get(0), ASSIGN).get(0).getAssign().getResume();
    ResumePoint r1 = h.sent(ws.get(1), ASSIGN).get(0).getAssign().getResume();
    assertThat(r1.getLocal()).as("the most advanced keeps its replica").isTrue();
    assertThat(r0.getPeerRank()).as("the one behind copies it").isEqualTo(1);
    assertThat(r0.getStep()).isEqualTo(5);
    assertThat(h.timerRunning(Kind.PAUSE)).isFalse();

    h.ready(ws.subList(0, 2));
    assertThat(h.state()).isEqualTo(JobState.RUNNING);
    assertThat(h.job().getMessage()).isEqualTo("training on 2 worker(s)");
    assertThat(h.sent(ws.get(0), RUN_EPOCH).get(0).getRunEpoch().getStartStep()).isEqualTo(5);
    assertThat(h.lifecycle.roster().ringSize()).isEqualTo(2);
    assertThat(h.job().getWorkersCount()).as("the departed worker is still listed").isEqualTo(3);
  }

  @Test
  void aJoinerPausesTheRingAndIsTakenInWithTheReplicaOfRankZero() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(1, 2), false);
    List<WorkerRef> ws = h.running(2);
    h.feed(new JobInput.Unresponsive(ws.get(1), 6_100));
    assertThat(h.actions(JobAction.Evict.class)).containsExactly(new JobAction.Evict(ws.get(1)));
    assertThat(h.lifecycle.claimFreeWorkerSlot()).as("a slot opened for a free worker").isTrue();
    h.paused(ws.get(0), 1, 3);
    assertThat(h.generation()).as("one rank is enough (minWorkers 1)").isEqualTo(2);
    h.ready(List.of(ws.get(0)));
    assertThat(h.job().getMessage()).isEqualTo("training on 1 worker(s)");

    WorkerRef joiner = h.attach();
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.job().getMessage()).contains("joins at the next step boundary");
    h.paused(ws.get(0), 1, 6);
    assertThat(h.generation()).isEqualTo(3);
    assertThat(h.sent(joiner, ASSIGN).get(0).getAssign().getResume().getPeerRank()).isZero();
    h.ready(List.of(ws.get(0), joiner));
    assertThat(h.job().getMessage()).isEqualTo("training on 2 worker(s)");
    assertThat(h.sent(joiner, RUN_EPOCH).get(0).getRunEpoch().getStartStep()).isEqualTo(6);
    assertThat(h.job().getReplacements()).isEqualTo(1);
  }

  @Test
  void belowMinWorkersTheJobWaitsForReplacementsThenFails() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(2, 1), false);
    List<WorkerRef> ws = h.running(2);
    h.feed(new JobInput.Detached(ws.get(1), "worker closed its stream"));
    h.paused(ws.get(0), 1, 2);
    assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_REPLACEMENTS);
    assertThat(h.notices()).contains(
        "waiting up to 30 s for replacements: 1 worker(s) alive, faultTolerance.minWorkers = 2");
    assertThat(h.timerRunning(Kind.REPLACEMENT)).isTrue();
    h.advance(Duration.ofSeconds(30));
    h.fire(Kind.REPLACEMENT);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_NOT_ENOUGH_WORKERS);
    assertThat(h.job().getMessage()).startsWith("only 1 worker(s) alive, fewer than faultTolerance.minWorkers = 2,"
        + " and no replacement arrived within 30 s; lost: rank 1 (pid 101): worker closed its stream");
  }

  @Test
  void aReplacementArrivingInTimeFormsTheRing() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(2, 1), false);
    List<WorkerRef> ws = h.running(2);
    h.feed(new JobInput.Detached(ws.get(1), "worker closed its stream"));
    h.paused(ws.get(0), 1, 2);
    WorkerRef replacement = h.attach();
    assertThat(h.phase()).isEqualTo(Phase.PREPARING);
    assertThat(h.timerRunning(Kind.REPLACEMENT)).isFalse();
    assertThat(h.sent(replacement, ASSIGN)).hasSize(1);
  }

  @Test
  void aLaunchedWorkerWhoseStreamEndsWaitsForItsExitCode() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(1, 0), true);
    h.start();
    WorkerRef a = h.attach();
    WorkerRef b = h.attach();
    h.ready(List.of(a, b));
    h.feed(new JobInput.Detached(b, "stream failed"));
    assertThat(h.phase()).as("not lost before its exit code or the grace period").isEqualTo(Phase.TRAINING);
    h.feed(new JobInput.Exited(new WorkerExit(LifecycleHarness.JOB, 1, b.pid(), 137, Path.of("/l/worker-1.log"),
        List.of("OutOfMemoryError"))));
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.notices()).anyMatch(n -> n.contains("exit code 137 (SIGKILL)") && n.contains("OutOfMemoryError"));
    h.fire(Kind.EXIT_GRACE);
    assertThat(h.last).as("the grace timer of a worker already lost does nothing").isEmpty();
  }

  // ------------------------------------------------------------------ failures, save, cancel, suspend

  @Test
  void aNonFiniteReportFromAPeerWaitsForTheRankThatSawIt() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    h.failure(ws.get(1), FailureReason.FAILURE_REASON_NON_FINITE_ELSEWHERE, "step 3 (reported by rank 0)");
    assertThat(h.state()).isEqualTo(JobState.RUNNING);
    assertThat(h.timerRunning(Kind.FAILURE_GRACE)).isTrue();
    h.failure(ws.get(0), FailureReason.FAILURE_REASON_NON_FINITE, "step 3, rank 0: loss is NaN");
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_NON_FINITE);
    assertThat(h.job().getMessage()).isEqualTo("training produced NaN or infinite values at step 3, rank 0: loss is NaN");

    LifecycleHarness only = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> vs = only.running(2);
    only.failure(vs.get(1), FailureReason.FAILURE_REASON_NON_FINITE_ELSEWHERE, "step 3 (reported by rank 0)");
    only.fire(Kind.FAILURE_GRACE);
    assertThat(only.state()).isEqualTo(JobState.FAILED);
    assertThat(only.job().getMessage()).endsWith("step 3 (reported by rank 0)");
  }

  @Test
  void aMemberLostWhileSavingReformsTheRingAndSavesAgain() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(1, 0), false);
    List<WorkerRef> ws = h.running(2);
    h.epochResults(ws, 1);
    assertThat(h.phase()).isEqualTo(Phase.SAVING);
    h.feed(new JobInput.Detached(ws.get(0), "stream failed"));
    h.paused(ws.get(1), 1, steps(1));
    h.ready(List.of(ws.get(1)));
    assertThat(h.sent(ws.get(1), SAVE_MODEL)).as("the new rank 0 saves").hasSize(1);
    assertThat(h.sent(ws.get(1), RUN_EPOCH)).as("nothing is trained again").isEmpty();
    h.saved(ws.get(1));
    assertThat(h.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(h.job().getEpochsList()).hasSize(1);
  }

  @Test
  void cancelReleasesEveryWorkerAndIgnoresWhatComesAfter() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), true);
    h.start();
    WorkerRef a = h.attach();
    h.feed(new JobInput.Cancel("cancelled by user"));
    assertThat(h.state()).isEqualTo(JobState.CANCELLED);
    assertThat(h.job().getMessage()).isEqualTo("cancelled by user");
    assertThat(h.sent(a, RELEASE).get(0).getRelease().getShutdown()).as("a launched worker exits").isTrue();
    assertThat(h.actions(JobAction.CancelTimer.class)).extracting(c -> c.timer().kind()).contains(Kind.START);
    assertThat(h.actions(JobAction.Finished.class)).hasSize(1);
    h.feed(new JobInput.Cancel("again"));
    assertThat(h.last).isEmpty();
    h.ready(List.of(a));
    assertThat(h.last).isEmpty();
  }

  @Test
  void suspendReleasesTheWorkersButKeepsTheJobsState() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(0, -1), false);
    List<WorkerRef> ws = h.running(2);
    h.feed(new JobInput.Suspend());
    assertThat(h.state()).as("resumed when a coordinator restarts").isEqualTo(JobState.RUNNING);
    assertThat(h.sent(ws.get(0), RELEASE).get(0).getRelease().getReason()).isEqualTo("coordinator shutting down");
    assertThat(h.actions(JobAction.Suspended.class)).hasSize(1);
    assertThat(h.actions(JobAction.Finished.class)).isEmpty();
    assertThat(h.published()).containsExactly(JobEvent.Kind.NOTICE);
  }

  @Test
  void tenReformationsWithoutACompletedStepFailTheJob() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(1, 0), false);
    List<WorkerRef> ws = h.running(2);
    for (int i = 0; i < JobLifecycle.MAX_RINGS_WITHOUT_PROGRESS - 1; i++) {
      // a member whose ring breaks at once reports Paused unasked; the ring re-forms at the same cursor
      h.paused(ws.get(0), 1, 0);
      h.paused(ws.get(1), 1, 0);
      assertThat(h.state()).as("re-formation %d", i + 2).isEqualTo(JobState.RECOVERING);
      h.ready(ws);
    }
    assertThat(h.generation()).isEqualTo(JobLifecycle.MAX_RINGS_WITHOUT_PROGRESS);
    h.paused(ws.get(0), 1, 0);
    h.paused(ws.get(1), 1, 0);
    assertThat(h.state()).isEqualTo(JobState.FAILED);
    assertThat(h.job().getReason()).isEqualTo(FailureReason.FAILURE_REASON_RECOVERY_FAILED);
    assertThat(h.job().getMessage()).startsWith("the ring was re-formed 10 times in a row without completing a step");
  }

  @Test
  void aCompletedStepResetsTheReformationBound() {
    LifecycleHarness h = new LifecycleHarness(2, 1, ft(1, 0), false);
    List<WorkerRef> ws = h.running(2);
    for (int i = 0; i < 2 * JobLifecycle.MAX_RINGS_WITHOUT_PROGRESS; i++) {
      h.progress(ws.get(0), 1, i + 1);
      h.paused(ws.get(0), 1, i + 1);
      h.paused(ws.get(1), 1, i + 1);
      h.ready(ws);
    }
    assertThat(h.state()).isEqualTo(JobState.RUNNING);
  }
}
