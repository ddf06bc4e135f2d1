package io.ringmaster.coordinator.jobs;

import static io.ringmaster.coordinator.jobs.LifecycleHarness.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerActivity.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressWatchdogTest {
  private static final WorkerRef A = new WorkerRef(1, "a", "h", 1, 1, -1, "");
  private static final WorkerRef B = new WorkerRef(2, "b", "h", 2, 2, -1, "");

  private static WorkerActivity act(Kind kind, String job, long generation) {
    return WorkerActivity.newBuilder().setKind(kind).setJobId(job).setGeneration(generation).build();
  }

  @Test
  void whatCountsAsIdle() {
    record Row(WorkerActivity activity, boolean idle, String why) {}
    List<Row> table = List.of(
        new Row(act(Kind.WAITING, JOB, 3), true, "waits for a command"),
        new Row(act(Kind.NO_JOB, "", 0), true, "holds no job"),
        new Row(act(Kind.TRAINING, "other-job", 3), true, "works for another job"),
        new Row(act(Kind.TRAINING, JOB, 2), true, "trains an older generation"),
        new Row(act(Kind.TRAINING, JOB, 3), false, "trains this ring"),
        new Row(act(Kind.EVALUATING, JOB, 3), false, "evaluates"),
        new Row(act(Kind.PREPARING, JOB, 3), false, "carries out Assign"),
        new Row(act(Kind.SAVING, JOB, 3), false, "saves"),
        new Row(WorkerActivity.getDefaultInstance(), false, "a worker that does not report its activity"));
    for (Row r : table) {
      assertThat(ProgressWatchdog.isIdle(r.activity(), JOB, 3)).as(r.why()).isEqualTo(r.idle());
    }
  }

  @Test
  void firesOnlyWhenEveryLiveMemberWasIdleForEnoughConsecutiveHeartbeats() {
    ProgressWatchdog w = new ProgressWatchdog(3, 0);
    List<WorkerRef> live = List.of(A, B);
    WorkerActivity waiting = act(Kind.WAITING, JOB, 1);
    WorkerActivity busy = act(Kind.TRAINING, JOB, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(w.heartbeat(A, waiting, JOB, 1, live)).as("B has not said anything yet").isFalse();
    }
    assertThat(w.heartbeat(B, waiting, JOB, 1, live)).isFalse();
    assertThat(w.heartbeat(B, busy, JOB, 1, live)).as("B is busy: its count starts over").isFalse();
    assertThat(w.heartbeat(B, waiting, JOB, 1, live)).isFalse();
    assertThat(w.heartbeat(B, waiting, JOB, 1, live)).isFalse();
    assertThat(w.heartbeat(B, waiting, JOB, 1, live)).isTrue();

    w.expectationChanged();
    assertThat(w.heartbeat(A, waiting, JOB, 1, live)).as("a new command: counts start over").isFalse();
    assertThat(w.describe(live)).isEqualTo("rank 0 WAITING (job job-1, generation 1, epoch 0, step 0),"
        + " rank 1 WAITING (job job-1, generation 1, epoch 0, step 0)");
  }

  @Test
  void measuresSilenceFromTheLastProgress() {
    ProgressWatchdog w = new ProgressWatchdog(1, 100);
    assertThat(w.silentNanos(350)).isEqualTo(250);
    w.progressed(300);
    assertThat(w.silentNanos(350)).isEqualTo(50);
  }

  @Test
  void listsTheLiveMembersOnlyWhenAsManyWorkersAsThereAreLiveMembersWereIdleLongEnough() {
    ProgressWatchdog w = new ProgressWatchdog(2, 0);
    List<WorkerRef> live = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      live.add(new WorkerRef(i, "w" + i, "h", i, i, -1, ""));
    }
    java.util.concurrent.atomic.AtomicInteger listed = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<List<WorkerRef>> lister = () -> {
      listed.incrementAndGet();
      return live;
    };
    WorkerActivity waiting = act(Kind.WAITING, JOB, 1);
    WorkerActivity busy = act(Kind.TRAINING, JOB, 1);
    for (int beat = 0; beat < 3; beat++) {
      for (WorkerRef m : live) {
        assertThat(w.heartbeat(m, m == live.get(0) ? busy : waiting, JOB, 1, live.size(), lister)).isFalse();
      }
    }
    assertThat(listed).as("999 idle of 1000 live: never listed").hasValue(0);

    WorkerRef lost = live.remove(0); // rank 0 is lost: the 999 others are every live member
    assertThat(w.heartbeat(live.get(0), waiting, JOB, 1, live.size(), lister)).isTrue();
    assertThat(listed).hasValue(1);

    w.expectationChanged();
    for (int i = 0; i < 2; i++) {
      w.heartbeat(lost, waiting, JOB, 1, 1, () -> List.of(live.get(0)));
    }
    assertThat(w.heartbeat(lost, waiting, JOB, 1, 1, () -> List.of(live.get(0))))
        .as("an idle worker that is not live does not stand in for a live one").isFalse();
  }
}
