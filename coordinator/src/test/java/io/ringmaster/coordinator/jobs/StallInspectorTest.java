package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.StallReport;
import org.junit.jupiter.api.Test;

class StallInspectorTest {
  static StallReport waiting(long step, long ms, int forRank, boolean started) {
    return StallReport.newBuilder().setGeneration(1).setEpoch(1).setStep(step).setWaitingMs(ms)
        .addWaitingFor(forRank).setNeighbourStarted(started).build();
  }

  @Test
  void namesTheRankThatDidNotReportAndEvictsAfterTheTimeout() {
    StallInspector s = new StallInspector(5_000, 30_000);
    assertThat(s.report(1, waiting(7, 4_000, 0, true), 3)).as("below the warning time").isNull();
    assertThat(s.report(1, waiting(7, 5_200, 0, true), 3))
        .as("ranks 0 and 2 have not had time to report: nobody is named yet").isNull();
    StallInspector.Verdict v = s.report(1, waiting(7, 7_800, 0, true), 3);
    assertThat(v.culprits()).as("silent for long enough: both suspects").containsExactly(0, 2);
    v = s.report(2, waiting(7, 8_000, 1, true), 3);
    assertThat(v.culprits()).containsExactly(0);
    assertThat(v.waiting()).containsExactly(1, 2);
    assertThat(v.evict()).isFalse();
    v = s.report(2, waiting(7, 31_000, 1, true), 3);
    assertThat(v.evict()).isTrue();
    assertThat(v.culprits()).containsExactly(0);
  }

  @Test
  void aNeighbourThatNeverStartedTheStepIsNamedEvenIfItReports() {
    StallInspector s = new StallInspector(1_000, 10_000);
    s.report(0, waiting(3, 2_000, 1, true), 2);
    StallInspector.Verdict v = s.report(1, waiting(3, 2_000, 0, false), 2);
    assertThat(v.culprits()).containsExactly(0);
  }

  @Test
  void aNewStepStartsOver() {
    StallInspector s = new StallInspector(1_000, 10_000);
    s.report(0, waiting(3, 2_000, 1, true), 2);
    StallInspector.Verdict v = s.report(0, waiting(4, 1_500, 1, true), 2);
    assertThat(v.culprits()).containsExactly(1);
    s.reset();
    assertThat(s.report(0, waiting(4, 500, 1, true), 2)).isNull();
  }
}
