package io.ringmaster.coordinator.jobs;

import static io.ringmaster.coordinator.jobs.LifecycleHarness.JOB;
import static io.ringmaster.coordinator.jobs.LifecycleHarness.TRAIN;
import static io.ringmaster.coordinator.jobs.LifecycleHarness.ft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringmaster.proto.v1.EpochClock;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics of an epoch a coordinator restart interrupted: its duration runs from when the epoch began
 * (stored with the job as its {@link EpochClock}), its samples/s come from that duration, and the restart
 * counts as a recovery. Each row: what the stored job says, how long the resumed ring then trains, and
 * the metrics epoch 1 must report. The harness resumes at epoch 1 (no checkpoint).
 */
class JobLifecycleRestartMetricsTest {
  static Stream<Arguments> rows() {
    return Stream.of(
        // stored clock (epoch, seconds before the restart, recoveries), seconds after, duration, recoveries,
        // samples/s: over the epoch's wall time when it was interrupted, else over the workers' own
        // training time (1 s in the harness)
        Arguments.of("interrupted epoch 1, 30 s before + 10 s after", clock(1, 30, 0), 10, 40.0, 1, TRAIN / 40.0),
        Arguments.of("earlier recoveries in the epoch are kept", clock(1, 30, 2), 10, 40.0, 3, TRAIN / 40.0),
        Arguments.of("restart outside any epoch: a fresh epoch", null, 10, 10.0, 0, TRAIN / 1.0),
        Arguments.of("clock of another epoch (resumed earlier): a fresh epoch", clock(2, 30, 1), 10, 10.0, 0,
            TRAIN / 1.0));
  }

  static EpochClock clock(int epoch, int secondsBefore, int recoveries) {
    return EpochClock.newBuilder().setEpoch(epoch).setStartedAtMs(1_700_000_000_000L - secondsBefore * 1000L)
        .setRecoveries(recoveries).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theInterruptedEpochIsMeasuredFromItsStartAndCountsTheRestart(String name, EpochClock stored,
      int secondsAfter, double duration, int recoveries, double samplesPerS) {
    Job.Builder job = Job.newBuilder().setId(JOB).setJobDir("/jobs/" + JOB).setState(JobState.JOB_STATE_RUNNING);
    if (stored != null) {
      job.setEpochClock(stored);
    }
    LifecycleHarness h = new LifecycleHarness(2, 2, ft(1, 0), false, JobSettings.DEFAULTS, job.build());
    List<WorkerRef> ws = h.running(2);
    h.advance(Duration.ofSeconds(secondsAfter));
    h.epochResults(ws, 1);

    EpochMetrics m = h.job().getEpochs(0);
    assertThat(m.getDurationS()).isCloseTo(duration, within(1e-6));
    assertThat(m.getRecoveries()).isEqualTo(recoveries);
    assertThat(m.getSamplesPerS()).isCloseTo(samplesPerS, within(1e-6));
    assertThat(h.job().getCoordinatorRestarts()).isEqualTo(1);
  }

  @Test
  void everyEpochStoresWhenItBeganAndForgetsItWhenItEnds() {
    LifecycleHarness h = new LifecycleHarness(2, 2, ft(1, 0), false);
    long begin = h.wallMs;
    List<WorkerRef> ws = h.running(2);
    assertThat(h.all.stream().filter(JobAction.Store.class::isInstance).map(JobAction.Store.class::cast).toList())
        .last()
        .satisfies(s -> assertThat(s.job().getEpochClock()).isEqualTo(EpochClock.newBuilder().setEpoch(1)
            .setStartedAtMs(begin).build()));

    h.advance(Duration.ofSeconds(5));
    h.epochResults(ws, 1);

    assertThat(h.job().getEpochs(0).getRecoveries()).isZero();
    assertThat(h.job().getEpochClock().getEpoch()).as("epoch 2 began").isEqualTo(2);
    assertThat(h.job().getEpochClock().getStartedAtMs()).isEqualTo(begin + 5000);
  }
}
