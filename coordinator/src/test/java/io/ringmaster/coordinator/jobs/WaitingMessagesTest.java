package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WaitingMessagesTest {
  private long now = TimeUnit.SECONDS.toNanos(100);
  private final WaitingMessages messages = new WaitingMessages(() -> now, Duration.ofSeconds(1));

  @Test
  void aChangedMessageIsShownAtMostOncePerIntervalAndTheNewestWinsAfterIt() {
    record Row(long atMs, String message, boolean shown, String why) {}
    var table = java.util.List.of(
        new Row(0, "waiting for 1000 worker(s): 1 free, 1 attached", true, "the first message"),
        new Row(10, "waiting for 1000 worker(s): 2 free, 2 attached", false, "changed, but 10 ms after the last"),
        new Row(900, "waiting for 1000 worker(s): 412 free, 412 attached", false, "still within the interval"),
        new Row(1000, "waiting for 1000 worker(s): 413 free, 413 attached", true, "an interval after the last"),
        new Row(5000, "waiting for 1000 worker(s): 413 free, 413 attached", false, "unchanged: never again"),
        new Row(5001, "waiting for 1000 worker(s): 999 free, 999 attached", true, "changed, long after the last"));
    long start = now;
    for (Row r : table) {
      now = start + TimeUnit.MILLISECONDS.toNanos(r.atMs());
      assertThat(messages.show("j", r.message())).as(r.why()).isEqualTo(r.shown());
    }
    assertThat(messages.show("other", "waiting for 2 worker(s): 0 free, 0 attached"))
        .as("each job has its own interval").isTrue();
  }

  @Test
  void aJobThatWaitsAgainAfterBeingForgottenIsShownAtOnce() {
    assertThat(messages.show("j", "a")).isTrue();
    messages.retainOnly(Set.of());
    assertThat(messages.show("j", "b")).isTrue();
  }
}
