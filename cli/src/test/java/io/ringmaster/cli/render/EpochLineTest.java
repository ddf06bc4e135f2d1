package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.EpochMetrics;
import org.junit.jupiter.api.Test;

class EpochLineTest {

  @Test
  void theDocumentedLine() {
    EpochMetrics m = EpochMetrics.newBuilder().setEpoch(2).setTrainLoss(0.38492).setTestLoss(0.41718)
        .setTestAccuracy(0.8515).setDurationS(12.31).setSamplesPerS(4870.2).setWorkers(2).build();

    assertThat(EpochLine.format(m, 3)).isEqualTo(
        "Epoch 2/3  train loss 0.3849  test loss 0.4172  test acc 85.15%  12.3 s  4,870 samples/s  2 workers");
  }

  @Test
  void epochNumbersLineUpAndOneWorkerIsSingular() {
    EpochMetrics m = EpochMetrics.newBuilder().setEpoch(3).setWorkers(1).build();

    assertThat(EpochLine.format(m, 12)).startsWith("Epoch  3/12  ").endsWith("  1 worker");
    assertThat(EpochLine.format(m, 0)).startsWith("Epoch 3  ");
  }
}
