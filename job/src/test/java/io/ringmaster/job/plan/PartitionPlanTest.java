package io.ringmaster.job.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionPlanTest {

  @ParameterizedTest
  @CsvSource({
      "'1500,1500', 64", // balanced
      "'1000,1700,300', 64", // uneven
      "'7,0,5', 4", // an empty partition, batch barely above the ranks
      "'3000', 100", // one partition
      "'10,11,12', 1000" // one step holds everything
  })
  void everyRowOnceAndTheGlobalBatchIsTheSumOfTheLocalOnes(String sizesCsv, int batch) {
    long[] sizes = Arrays.stream(sizesCsv.split(",")).mapToLong(Long::parseLong).toArray();
    long total = Arrays.stream(sizes).sum();
    int world = sizes.length;
    PartitionPlan[] plans = new PartitionPlan[world];
    for (int p = 0; p < world; p++) {
      plans[p] = PartitionPlan.of(42, 3, p, sizes, batch);
    }
    int steps = plans[0].steps();
    assertThat(steps).as("as many steps as the core's plan").isEqualTo((int) ((total + batch - 1) / batch));
    long sumOfSteps = 0;
    for (int p = 0; p < world; p++) {
      boolean[] seen = new boolean[(int) sizes[p]];
      int[] dst = new int[batch];
      for (int s = 0; s < steps; s++) {
        int n = plans[p].indices(s, p, world, dst);
        assertThat(n).isEqualTo(plans[p].localSize(s, p)).isLessThanOrEqualTo(batch);
        for (int i = 0; i < n; i++) {
          assertThat(seen[dst[i]]).as("row %d of partition %d used twice", dst[i], p).isFalse();
          seen[dst[i]] = true;
        }
      }
      for (int i = 0; i < seen.length; i++) {
        assertThat(seen[i]).as("row %d of partition %d never used", i, p).isTrue();
      }
    }
    for (int s = 0; s < steps; s++) {
      int sum = 0;
      for (int p = 0; p < world; p++) {
        sum += plans[p].localSize(s, p);
      }
      int step = s;
      for (PartitionPlan plan : plans) {
        assertThat(plan.stepSize(step)).as("every rank agrees on step %d's global batch", step).isEqualTo(sum);
      }
      int core = (int) Math.min(batch, total - (long) s * batch); // the core's step size
      assertThat(sum).as("step %d is never empty and differs from the core's by less than the ranks", s).isPositive()
          .isBetween(core - world + 1, core + world - 1);
      sumOfSteps += sum;
    }
    assertThat(sumOfSteps).isEqualTo(total);
  }

  @Test
  void eachRankMovesThroughItsPartitionAtTheSamePace() {
    long[] sizes = {1000, 3000};
    PartitionPlan small = PartitionPlan.of(1, 1, 0, sizes, 100);
    PartitionPlan big = PartitionPlan.of(1, 1, 1, sizes, 100);
    assertThat(small.localSize(0, 0)).isEqualTo(25);
    assertThat(big.localSize(0, 1)).isEqualTo(75);
  }

  @Test
  void shufflesDependOnSeedEpochAndPartitionOnly() {
    long[] sizes = {500, 500};
    int[] a = first(PartitionPlan.of(7, 1, 0, sizes, 500), 0);
    assertThat(first(PartitionPlan.of(7, 1, 0, sizes, 500), 0)).isEqualTo(a);
    assertThat(first(PartitionPlan.of(7, 2, 0, sizes, 500), 0)).isNotEqualTo(a);
    assertThat(first(PartitionPlan.of(8, 1, 0, sizes, 500), 0)).isNotEqualTo(a);
    assertThat(first(PartitionPlan.of(7, 1, 1, sizes, 500), 1)).isNotEqualTo(a);
  }

  @Test
  void refusesAnotherWorldSizeOrRank() {
    PartitionPlan plan = PartitionPlan.of(7, 1, 0, new long[] {10, 10}, 4);
    assertThatThrownBy(() -> plan.indices(0, 0, 3, new int[4])).hasMessageContaining("cannot change its number of ranks");
    int[] a = new int[4];
    int[] b = new int[4];
    plan.indices(0, 0, 2, a);
    plan.indices(0, 1, 2, b);
    assertThat(b).as("the partition's rows whatever the ring rank").isEqualTo(a);
  }

  private static int[] first(PartitionPlan plan, int rank) {
    int[] dst = new int[500];
    int n = plan.indices(0, rank, 2, dst);
    return Arrays.copyOf(dst, n);
  }
}
