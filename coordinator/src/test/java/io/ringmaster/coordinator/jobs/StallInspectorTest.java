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
  void namesTheSilentRankOnceTheOthersHadTimeToReportAndEvictsAfterTheTimeout() {
    StallInspector s = new StallInspector(5_000, 30_000);
    assertThat(s.report(1, waiting(7, 4_000, 0, true), 3, 0)).as("below the warning time").isNull();
    assertThat(s.report(1, waiting(7, 5_200, 0, true), 3, 1_200))
        .as("ranks 0 and 2 have not had time to report: nobody is named yet").isNull();
    StallInspector.Verdict v = s.report(2, waiting(7, 5_300, 1, true), 3, 1_300);
    assertThat(v.culprits()).as("the only rank not waiting").containsExactly(0);
    assertThat(v.waiting()).containsExactly(1, 2);
    assertThat(v.evict()).isFalse();
    s.report(2, waiting(7, 31_000, 1, true), 3, 27_000);
    v = s.report(1, waiting(7, 31_100, 0, true), 3, 27_100);
    assertThat(v.evict()).isTrue();
    assertThat(v.culprits()).containsExactly(0);
  }

  @Test
  void ranksOneStepApartAreStillOneStall() {
    // rank 1 finished step 26 and waits in 27 for rank 0, which still waits in 26 for the stopped rank 2
    StallInspector s = new StallInspector(2_000, 6_000);
    assertThat(s.report(1, waiting(27, 2_200, 0, false), 3, 0))
        .as("rank 0 is waiting too, it just has not said so yet").isNotNull()
        .satisfies(v -> assertThat(v.culprits()).containsExactly(0));
    StallInspector.Verdict v = s.report(0, waiting(26, 2_400, 2, true), 3, 300);
    assertThat(v.culprits()).as("rank 0 reported: it is not to blame; rank 2 is silent").containsExactly(2);
    assertThat(v.step()).isEqualTo(26);
    v = s.report(1, waiting(27, 7_000, 0, false), 3, 4_900);
    assertThat(v.culprits()).containsExactly(2);
    assertThat(v.evict()).isTrue();
  }

  @Test
  void aNewGenerationOrAResetStartsOver() {
    StallInspector s = new StallInspector(1_000, 10_000);
    s.report(0, waiting(3, 2_000, 1, false), 2, 0);
    s.reset();
    assertThat(s.report(0, waiting(4, 500, 1, true), 2, 100)).isNull();
  }
}
