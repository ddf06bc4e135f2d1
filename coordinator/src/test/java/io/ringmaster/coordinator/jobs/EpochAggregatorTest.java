package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.EpochResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochAggregatorTest {
  static EpochResult.Builder result(long testSamples, long correct, double testLoss) {
    return EpochResult.newBuilder().setEpoch(1).setSteps(469).setTrainSamples(60_000)
        .setTrainLossSamples(60_000).setTrainLossSum(30_000).setTestSamples(testSamples)
        .setTestCorrect(correct).setTestLossSum(testLoss).setTrainSeconds(10).setEvalSeconds(1)
        .setParamsChecksum(0xabcL);
  }

  @Test
  void combinesGlobalTrainingCountersAndSumsTestSlices() throws Exception {
    EpochMetrics m = EpochAggregator.combine(1, Map.of(0, result(5_000, 4_300, 2_000).build(),
        1, result(5_000, 4_200, 2_200).build()), 60_000, 10_000, 12.0, 0);
    assertThat(m.getSamples()).isEqualTo(60_000);
    assertThat(m.getTrainLoss()).isCloseTo(0.5, within(1e-12));
    assertThat(m.getTestAccuracy()).isCloseTo(0.85, within(1e-12));
    assertThat(m.getTestLoss()).isCloseTo(0.42, within(1e-12));
    assertThat(m.getTestSamples()).isEqualTo(10_000);
    assertThat(m.getWorkers()).isEqualTo(2);
    assertThat(m.getSamplesPerS()).isCloseTo(6_000, within(1e-9));
  }

  @Test
  void divergedReplicasAreRefused() {
    assertThatThrownBy(() -> EpochAggregator.combine(1, Map.of(0, result(5_000, 1, 1).build(),
        1, result(5_000, 1, 1).setParamsChecksum(0xdef).build()), 60_000, 10_000, 1, 0))
        .isInstanceOfSatisfying(EpochAggregator.Mismatch.class, e -> {
          assertThat(e.reason).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_REPLICA_DIVERGENCE);
          assertThat(e.getMessage()).contains("rank 0=abc").contains("rank 1=def");
        });
  }

  @Test
  void wrongSampleCountsAreRefused() {
    assertThatThrownBy(() -> EpochAggregator.combine(1, Map.of(0, result(5_000, 1, 1).build(),
        1, result(4_999, 1, 1).build()), 60_000, 10_000, 1, 0))
        .isInstanceOfSatisfying(EpochAggregator.Mismatch.class, e -> {
          assertThat(e.reason).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_SAMPLE_COUNT_MISMATCH);
          assertThat(e.getMessage()).contains("9999 test samples");
        });
    assertThatThrownBy(() -> EpochAggregator.combine(1, Map.of(0, result(10_000, 1, 1)
        .setTrainSamples(59_872).build()), 60_000, 10_000, 1, 0))
        .isInstanceOfSatisfying(EpochAggregator.Mismatch.class, e ->
            assertThat(e.getMessage()).contains("used 59872 training samples"));
  }

  @Test
  void recoveredEpochReportsRecoveriesAndWallClockThroughput() throws Exception {
    EpochMetrics m = EpochAggregator.combine(2, Map.of(0, result(10_000, 8_000, 4_000).setTrainSeconds(2).build()),
        60_000, 10_000, 21.0, 1);
    assertThat(m.getRecoveries()).isEqualTo(1);
    assertThat(m.getSamplesPerS()).isCloseTo(3_000, within(1e-9)); // 60,000 / (21 - 1 s of evaluation)
  }
}
