package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.jobs.JobLifecycle.Phase;
import io.ringmaster.coordinator.jobs.JobTimer.Kind;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.job.JobState;
import io.ringmaster.proto.v1.CoordinatorMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The requeue path (a gang the scheduler could not place goes back to QUEUED holding nothing) and exits
 * matched by slot (pods: the scheduler cannot know the worker's pid).
 */
class JobLifecycleRequeueTest {

  private static LifecycleHarness started(int workers) {
    LifecycleHarness h = new LifecycleHarness(workers, 1, LifecycleHarness.ft(1, 2), true);
    h.start();
    return h;
  }

  @Test
  void aReleasedGangGoesBackToQueuedHoldingNothing() {
    LifecycleHarness h = started(4);
    WorkerRef early = h.attach(); // one pod was placed and its worker attached
    assertThat(h.phase()).isEqualTo(Phase.WAITING_FOR_WORKERS);

    List<JobAction> out = h.feed(new JobInput.GangReleased("0 of 4 pods could be placed: 0/3 nodes are available"));

    assertThat(h.phase()).isEqualTo(Phase.DONE);
    assertThat(h.state()).isEqualTo(JobState.QUEUED);
    assertThat(h.job().getMessage()).isEqualTo("requeued: 0 of 4 pods could be placed: 0/3 nodes are available");
    assertThat(out).last().isEqualTo(new JobAction.Requeued("0 of 4 pods could be placed: 0/3 nodes are available"));
    assertThat(out).noneMatch(a -> a instanceof JobAction.Finished);
    assertThat(h.sent(early, CoordinatorMessage.BodyCase.RELEASE)).singleElement()
        .satisfies(m -> assertThat(m.getRelease().getShutdown()).isTrue());
    assertThat(h.timerRunning(Kind.START)).isFalse();
    // the stored job says QUEUED (published as a state change)
    assertThat(out).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(JobAction.Publish.class,
        p -> assertThat(p.job().getState()).isEqualTo(io.ringmaster.proto.v1.JobState.JOB_STATE_QUEUED)));
  }

  static Stream<Arguments> laterPhases() {
    return Stream.of(
        Arguments.of("PREPARING", 0),
        Arguments.of("TRAINING", 1));
  }

  @ParameterizedTest(name = "in {0} a released gang is only a notice")
  @MethodSource("laterPhases")
  void afterTheFirstRingItIsOnlyANotice(String phase, int readyRounds) {
    LifecycleHarness h = started(2);
    List<WorkerRef> ws = h.attach(2);
    if (readyRounds > 0) {
      h.ready(ws);
    }
    assertThat(h.phase().name()).isEqualTo(phase);
    List<JobAction> out = h.feed(new JobInput.GangReleased("a replacement pod cannot be placed"));
    assertThat(h.phase().name()).isEqualTo(phase);
    assertThat(out).noneMatch(a -> a instanceof JobAction.Requeued);
    assertThat(h.notices()).anySatisfy(n -> assertThat(n).contains("a replacement pod cannot be placed"));
  }

  @Test
  void afterTheEndItChangesNothing() {
    LifecycleHarness h = started(1);
    h.feed(new JobInput.Cancel("user"));
    assertThat(h.feed(new JobInput.GangReleased("late"))).isEmpty();
    assertThat(h.state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aPodExitWithoutPidIsMatchedBySlotBeforeAttaching() {
    LifecycleHarness h = started(2);
    List<JobAction> out = h.feed(new JobInput.Exited(new WorkerExit(LifecycleHarness.JOB, 1, -1, 137,
        Path.of("kubectl logs pod/x"), List.of(), "pod x was OOM-killed (memory limit 3328Mi)")));
    assertThat(h.notices().toString() + h.job().getWorkersList()).contains("OOM-killed");
    assertThat(out).anySatisfy(a -> assertThat(a).isEqualTo(new JobAction.Launch(2, 1))); // replaced
  }

  @Test
  void aPodExitWithoutPidIsMatchedBySlotToTheAttachedWorker() {
    LifecycleHarness h = started(2);
    WorkerRef a = h.feedAttached(new WorkerRef(1, "pod-0", "10.0.0.1", 7000, 1, 0, ""));
    WorkerRef b = h.feedAttached(new WorkerRef(2, "pod-1", "10.0.0.2", 7000, 1, 1, "")); // same pid 1 in its container
    h.ready(List.of(a, b));
    assertThat(h.phase()).isEqualTo(Phase.TRAINING);
    h.feed(new JobInput.Exited(new WorkerExit(LifecycleHarness.JOB, 1, -1, 1, Path.of("kubectl logs pod/p1"),
        List.of(), "pod p1 was evicted: The node was low on resource: memory")));
    assertThat(h.phase()).isEqualTo(Phase.PAUSING);
    assertThat(h.notices()).anySatisfy(n -> assertThat(n).contains("rank 1").contains("evicted"));
    assertThat(h.job().getWorkers(0).getState()).isNotEqualTo(io.ringmaster.proto.v1.WorkerState.WORKER_LOST);
  }

  @Test
  void jobStatesAllowTheRequeueFromStartingAndRecoveringOnly() {
    assertThat(JobState.STARTING.canMoveTo(JobState.QUEUED)).isTrue();
    assertThat(JobState.RECOVERING.canMoveTo(JobState.QUEUED)).isTrue();
    assertThat(JobState.RUNNING.canMoveTo(JobState.QUEUED)).isFalse();
    assertThat(JobState.QUEUED.canMoveTo(JobState.QUEUED)).isFalse();
    assertThat(JobState.SUCCEEDED.canMoveTo(JobState.QUEUED)).isFalse();
  }

  @Test
  void theTransitionTableStillHoldsTheMove() {
    assertThat(JobLifecycle.TRANSITIONS.get(Phase.WAITING_FOR_WORKERS)).contains(Phase.DONE);
  }
}
