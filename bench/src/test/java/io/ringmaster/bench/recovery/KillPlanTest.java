package io.ringmaster.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KillPlanTest {
  @Test
  void drawsStayInsideTheJobAndAwayFromEpochEnds() {
    Random random = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      KillPlan p = KillPlan.draw(random, 3, 2, 469);
      assertThat(p.rank()).isBetween(0, 2);
      assertThat(p.epoch()).isBetween(1, 2);
      assertThat(p.step()).isBetween(20, 448);
    }
  }

  @Test
  void theSameSeedDrawsTheSamePlans() {
    assertThat(draws(11)).isEqualTo(draws(11)).isNotEqualTo(draws(12));
  }

  @Test
  void tinyEpochsStillGetAStep() {
    KillPlan p = KillPlan.draw(new Random(1), 2, 1, 3);
    assertThat(p.step()).isBetween(0, 2);
  }

  @Test
  void reachedOnceTheJobIsAtOrPastThePlannedStep() {
    KillPlan p = new KillPlan(0, 2, 100);
    assertThat(p.reachedBy(1, 400)).isFalse();
    assertThat(p.reachedBy(2, 99)).isFalse();
    assertThat(p.reachedBy(2, 100)).isTrue();
    assertThat(p.reachedBy(3, 0)).isTrue();
  }

  private static List<KillPlan> draws(long seed) {
    Random r = new Random(seed);
    List<KillPlan> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      out.add(KillPlan.draw(r, 3, 2, 469));
    }
    return out;
  }
}
