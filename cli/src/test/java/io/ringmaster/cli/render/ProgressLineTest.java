package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.TestJobs;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.Progress;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  private static Job job(long trainSamples, long step, long samples, double rate) {
    return Job.newBuilder().setSpec(TestJobs.spec(2, 3)).setTrainSamples(trainSamples)
        .setProgress(Progress.newBuilder().setEpoch(2).setStep(step).setStepsInEpoch(400).setSamples(samples)
            .setSamplesPerS(rate).setTrainLoss(0.41234))
        .build();
  }

  @Test
  void barShowsStepsRateLossAndEta() {
    // 60,000 - 15,000 samples left at 5,000/s: 9 s
    ProgressLine p = ProgressLine.of(job(60_000, 100, 15_000, 5000));

    assertThat(p.bar(100)).isEqualTo(
        "Epoch 2/3 [======>                       ] 100/400  5,000 samples/s  loss 0.4123  ETA 0:09");
    assertThat(p.bar(79)).hasSize(79).isEqualTo(
        "Epoch 2/3 [===>               ] 100/400  5,000 samples/s  loss 0.4123  ETA 0:09");
    assertThat(p.complete()).isFalse();
  }

  @Test
  void plainLineHasAPercentage() {
    assertThat(ProgressLine.of(job(60_000, 300, 45_000, 1000)).plain())
        .isEqualTo("  Epoch 2/3  300/400 steps (75%)  1,000 samples/s  loss 0.4123  ETA 0:15");
  }

  @Test
  void etaFallsBackToStepsTimesBatchAndIsUnknownWithoutARate() {
    // 100 steps of 128 samples left at 1,280/s: 10 s
    assertThat(ProgressLine.of(job(0, 300, 0, 1280)).eta()).isEqualTo("0:10");
    assertThat(ProgressLine.of(job(60_000, 300, 0, 0)).eta()).isEqualTo("--:--");
  }

  @Test
  void narrowTerminalsLoseTheLossThenTheLineIsCut() {
    ProgressLine p = ProgressLine.of(job(60_000, 100, 15_000, 5000));

    assertThat(p.bar(60)).isEqualTo("Epoch 2/3 [==>          ] 100/400  5,000 samples/s  ETA 0:09");
    assertThat(p.bar(40)).hasSize(40).startsWith("Epoch 2/3 [=>        ] 100/400");
  }

  @Test
  void fullBarAtTheEnd() {
    ProgressLine p = ProgressLine.of(job(60_000, 400, 60_000, 5000));

    assertThat(p.bar(79)).contains("[===================] 400/400");
    assertThat(p.complete()).isTrue();
  }
}
