package io.ringmaster.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timeline is read from the event sequence a kill produces (as JobDriver publishes it). */
class RecoveryTimelineTest {
  static final long T0 = 1_700_000_000_000L;
  static final Kill KILL = new Kill(1, 123, 1, 108, 1, T0);

  final List<JobEvent> events = new ArrayList<>();

  void event(long afterMs, JobEvent.Kind kind, long generation, int epoch, long step, int activeRanks, String notice) {
    Job.Builder job = Job.newBuilder().setState(JobState.JOB_STATE_RUNNING).setGeneration(generation)
        .setProgress(Progress.newBuilder().setEpoch(epoch).setStep(step).setStepsInEpoch(469));
    for (int r = 0; r < activeRanks; r++) {
      job.addWorkers(WorkerStatus.newBuilder().setRank(r).setState(WorkerState.WORKER_ACTIVE));
    }
    job.addWorkers(WorkerStatus.newBuilder().setRank(1).setPid(123).setState(WorkerState.WORKER_LOST));
    events.add(JobEvent.newBuilder().setKind(kind).setJob(job).setNotice(notice).setTimeMs(T0 + afterMs).build());
  }

  void killSequence() {
    event(-5, JobEvent.Kind.PROGRESS, 1, 1, 107, 3, "");
    event(10, JobEvent.Kind.PROGRESS, 1, 1, 108, 3, ""); // the old ring still reports
    event(40, JobEvent.Kind.WORKERS_CHANGED, 1, 1, 108, 2,
        "rank 0 (pid 1234 at 127.0.0.1:1) lost during epoch 1: another pid that merely starts alike");
    event(570, JobEvent.Kind.WORKERS_CHANGED, 1, 1, 108, 2, "rank 1 (pid 123 at 127.0.0.1:2) lost during epoch 1");
    event(830, JobEvent.Kind.NOTICE, 2, 1, 108, 0, "ring generation 2: 2 worker(s), resuming at epoch 1 step 108");
    event(860, JobEvent.Kind.PROGRESS, 2, 1, 108, 2, "");
    event(1480, JobEvent.Kind.PROGRESS, 2, 1, 111, 2, "");
    event(1800, JobEvent.Kind.PROGRESS, 2, 1, 118, 2, "");
    event(6000, JobEvent.Kind.NOTICE, 3, 1, 205, 0, "ring generation 3: 3 worker(s), resuming at epoch 1 step 205");
    event(9000, JobEvent.Kind.PROGRESS, 3, 1, 205, 3, "");
    event(9900, JobEvent.Kind.PROGRESS, 3, 1, 209, 3, "");
    event(10500, JobEvent.Kind.PROGRESS, 3, 1, 219, 3, "");
  }

  @Test
  void readsEveryPhaseOfAKillThatAReplacementRepairs() {
    killSequence();
    RecoveryTimeline t = RecoveryTimeline.of(KILL, 0.25, events, 3);
    assertThat(t.exitedS()).isEqualTo(0.25);
    assertThat(t.detectedS()).isCloseTo(0.57, within(1e-9));
    assertThat(t.reformedS()).isCloseTo(0.83, within(1e-9));
    assertThat(t.runningS()).isCloseTo(0.86, within(1e-9));
    assertThat(t.resumedS()).isCloseTo(1.48, within(1e-9));
    assertThat(t.fullS()).isCloseTo(9.9, within(1e-9));
    assertThat(t.resumeEpoch()).isEqualTo(1);
    assertThat(t.resumeStep()).isEqualTo(108);
    assertThat(t.resumeWorkers()).isEqualTo(2);
    assertThat(t.stepsAtResume()).isEqualTo(3);
    assertThat(t.generations()).isEqualTo(2);
  }

  @Test
  void withoutAReplacementFullStrengthNeverComes() {
    killSequence();
    events.subList(8, events.size()).clear();
    RecoveryTimeline t = RecoveryTimeline.of(KILL, Double.NaN, events, 3);
    assertThat(t.resumedS()).isCloseTo(1.48, within(1e-9));
    assertThat(t.fullS()).isNaN();
    assertThat(t.exitedS()).isNaN();
    assertThat(t.generations()).isEqualTo(1);
  }

  @Test
  void aResumeAtTheEndOfAnEpochWaitsForAStepOfTheNextOne() {
    event(300, JobEvent.Kind.WORKERS_CHANGED, 1, 1, 469, 2, "rank 1 (pid 123 at h:1) lost while evaluating");
    event(700, JobEvent.Kind.NOTICE, 2, 1, 469, 0, "ring generation 2: 2 worker(s), resuming at epoch 1 step 469");
    event(900, JobEvent.Kind.PROGRESS, 2, 1, 469, 2, "");
    event(2000, JobEvent.Kind.PROGRESS, 2, 2, 0, 2, "");
    event(2400, JobEvent.Kind.PROGRESS, 2, 2, 6, 2, "");
    RecoveryTimeline t = RecoveryTimeline.of(new Kill(1, 123, 1, 460, 1, T0), 0.1, events, 3);
    assertThat(t.runningS()).isCloseTo(0.9, within(1e-9));
    assertThat(t.resumedS()).as("epoch 2 step 0 is no step done yet").isCloseTo(2.4, within(1e-9));
    assertThat(t.stepsAtResume()).isEqualTo(6);
  }

  @Test
  void nothingAfterTheKillMeansNoRecovery() {
    event(-100, JobEvent.Kind.PROGRESS, 1, 1, 100, 3, "");
    event(50, JobEvent.Kind.PROGRESS, 1, 1, 110, 3, "");
    RecoveryTimeline t = RecoveryTimeline.of(KILL, 0.1, events, 3);
    assertThat(List.of(t.detectedS(), t.reformedS(), t.runningS(), t.resumedS(), t.fullS()))
        .allMatch(d -> d.isNaN());
    assertThat(t.generations()).isZero();
  }
}
