package io.ringmaster.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private final AtomicLong clock = new AtomicLong();
  private final Timeline timeline = new Timeline(clock::get);

  @Test
  void theNthRecordIsWhenNWorkersHadIt() {
    for (long t : new long[] {5, 9, 30}) {
      clock.set(t);
      timeline.record(Timeline.runEpoch(1, 1));
    }
    assertThat(timeline.nth(Timeline.runEpoch(1, 1), 1)).hasValue(5);
    assertThat(timeline.nth(Timeline.runEpoch(1, 1), 3)).hasValue(30);
    assertThat(timeline.nth(Timeline.runEpoch(1, 1), 4)).isEmpty();
    assertThat(timeline.nth(Timeline.runEpoch(1, 2), 1)).isEmpty();
  }

  @Test
  void awaitingMoreRecordsThanCameNamesTheMarkAndTheCount() throws Exception {
    timeline.record(Timeline.WELCOME);
    timeline.await(Timeline.WELCOME, 1, 1, TimeUnit.SECONDS); // already there: returns at once
    assertThatThrownBy(() -> timeline.await(Timeline.WELCOME, 2, 10, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class).hasMessageStartingWith("welcome: 1 of 2 records");
  }
}
