package io.ringmaster.job.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ShardPlanTest {

  static Stream<Arguments> shapes() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (int workers = 1; workers <= 5; workers++) {
      for (int samples : new int[] {1, 7, 127, 128, 129, 1000, 60_000}) {
        for (int batch : new int[] {workers, 10, 128}) {
          if (batch >= workers) {
            b.add(Arguments.of(workers, samples, batch));
          }
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "workers={0} samples={1} batch={2}")
  @MethodSource("shapes")
  void everySampleExactlyOncePerEpoch(int workers, int samples, int batch) {
    ShardPlan plan = ShardPlan.of(42, 3, samples, batch);
    int[] seen = new int[samples];
    long total = 0;
    for (int step = 0; step < plan.steps(); step++) {
      int stepTotal = 0;
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (int rank = 0; rank < workers; rank++) {
        int[] idx = plan.indices(step, rank, workers);
        assertThat(idx.length).isEqualTo(plan.localSize(step, rank, workers));
        for (int i : idx) {
          seen[i]++;
        }
        stepTotal += idx.length;
        min = Math.min(min, idx.length);
        max = Math.max(max, idx.length);
      }
      assertThat(stepTotal).isEqualTo(plan.stepSize(step));
      assertThat(max - min).as("rank slices of one step differ by at most one sample").isLessThanOrEqualTo(1);
      total += stepTotal;
    }
    assertThat(total).isEqualTo(samples);
    assertThat(seen).containsOnly(1);
    assertThat(plan.steps()).isEqualTo((samples + batch - 1) / batch);
  }

  @ParameterizedTest(name = "workers={0} samples={1} batch={2}")
  @MethodSource("shapes")
  void theStepCountWithoutAPlanIsThePlansStepCount(int workers, int samples, int batch) {
    ShardPlan plan = ShardPlan.of(42, 3, samples, batch);
    assertThat(ShardPlan.steps(samples, batch)).isEqualTo(plan.steps());
    int covered = 0;
    for (int s = 0; s < plan.steps(); s++) {
      covered += plan.stepSize(s);
    }
    assertThat(covered).as("the steps cover every sample").isEqualTo(samples);
  }

  @Test
  void theStepCountDoesNotOverflowNearIntMax() {
    assertThat(ShardPlan.steps(Integer.MAX_VALUE, Integer.MAX_VALUE - 1)).isEqualTo(2);
  }

  @Test
  void sameSeedAndEpochGiveTheSamePlan() {
    assertThat(ShardPlan.of(7, 2, 60_000, 128).order()).isEqualTo(ShardPlan.of(7, 2, 60_000, 128).order());
  }

  @Test
  void planChangesBetweenEpochsAndSeeds() {
    int[] e1 = ShardPlan.of(7, 1, 60_000, 128).order();
    int[] e2 = ShardPlan.of(7, 2, 60_000, 128).order();
    int[] otherSeed = ShardPlan.of(8, 1, 60_000, 128).order();
    assertThat(e1).isNotEqualTo(e2);
    assertThat(e1).isNotEqualTo(otherSeed);
    // and it is a real shuffle, not the identity or a rotation of it
    int fixedPoints = 0;
    for (int i = 0; i < e1.length; i++) {
      if (e1[i] == i) {
        fixedPoints++;
      }
    }
    assertThat(fixedPoints).isLessThan(20);
    int[] sorted = e1.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertThat(sorted[i]).isEqualTo(i);
    }
  }

  @Test
  void remainingStepsCanBeResplitOverAnotherWorldSize() {
    ShardPlan plan = ShardPlan.of(1, 1, 1_001, 64);
    int[] seen = new int[1_001];
    int switchAt = 5;
    for (int step = 0; step < plan.steps(); step++) {
      int world = step < switchAt ? 3 : 2;
      for (int rank = 0; rank < world; rank++) {
        for (int i : plan.indices(step, rank, world)) {
          seen[i]++;
        }
      }
    }
    assertThat(seen).containsOnly(1);
    assertThat(plan.samplesBefore(switchAt)).isEqualTo(5 * 64);
  }

  @Test
  void shortLastStepCanLeaveARankEmpty() {
    ShardPlan plan = ShardPlan.of(1, 1, 129, 128); // last step holds 1 sample
    assertThat(plan.stepSize(1)).isEqualTo(1);
    assertThat(plan.localSize(1, 0, 3) + plan.localSize(1, 1, 3) + plan.localSize(1, 2, 3)).isEqualTo(1);
    assertThat(plan.indices(1, 0, 3)).isEmpty();
  }
}
