package io.ringmaster.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenSamplesLeavingOutMissingValues() {
    assertThat(Stats.of(3, 1, 2)).isEqualTo(new Stats(3, 2, 1, 3));
    assertThat(Stats.of(4, Double.NaN, 1, 2, 3)).isEqualTo(new Stats(4, 2.5, 1, 4));
  }

  @Test
  void noValueGivesNaN() {
    Stats s = Stats.of(Double.NaN);
    assertThat(s.n()).isZero();
    assertThat(s.median()).isNaN();
  }
}
