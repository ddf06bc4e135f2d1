package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AdmissionRetry}'s states on a fake timer and clock (see its javadoc for the transition list). */
class AdmissionRetryTest {
  /** A timer that only records: the test fires its tasks. */
  static final class FakeTimer implements AdmissionRetry.Timer {
    record Scheduled(Runnable task, Duration delay, boolean[] cancelled) {
      void fire() {
        task.run(); // like a ScheduledFuture, a cancelled task already running still runs to its end
      }
    }

    final List<Scheduled> scheduled = new ArrayList<>();

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      Scheduled s = new Scheduled(task, delay, new boolean[1]);
      scheduled.add(s);
      return () -> s.cancelled()[0] = true;
    }

    Scheduled last() {
      return scheduled.get(scheduled.size() - 1);
    }
  }

  private final FakeTimer timer = new FakeTimer();
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final AtomicInteger rounds = new AtomicInteger();

  @Test
  void aRoundRunByTheRetryThatStillCannotAdmitGetsTheNextRetry() {
    // the round asks again, as admitToLaunch does while a requeued job's backoff runs
    AdmissionRetry[] retry = new AdmissionRetry[1];
    retry[0] = new AdmissionRetry(timer, clock::get, () -> {
      rounds.incrementAndGet();
      retry[0].within(Duration.ofMillis(200));
    });
    retry[0].within(Duration.ofMillis(200));

    for (int i = 1; i <= 5; i++) {
      clock.addAndGet(Duration.ofMillis(200).toNanos());
      timer.last().fire();
      assertThat(rounds).hasValue(i);
      assertThat(timer.scheduled).as("a new retry after round %d", i).hasSize(i + 1);
      assertThat(retry[0].pending()).isTrue();
    }
  }

  @Test
  void aSoonerRetryReplacesThePendingOneAndALaterOneIsIgnored() {
    AdmissionRetry retry = new AdmissionRetry(timer, clock::get, rounds::incrementAndGet);
    retry.within(Duration.ofSeconds(5));
    retry.within(Duration.ofSeconds(1));
    assertThat(timer.scheduled).hasSize(2);
    assertThat(timer.scheduled.get(0).cancelled()[0]).as("the 5 s retry is cancelled").isTrue();
    assertThat(timer.last().delay()).isEqualTo(Duration.ofSeconds(1));

    clock.addAndGet(Duration.ofMillis(500).toNanos());
    retry.within(Duration.ofSeconds(3)); // due at 3.5 s, after the pending 1 s
    retry.within(Duration.ofMillis(500)); // due at exactly the pending one's time
    assertThat(timer.scheduled).hasSize(2);
  }

  @Test
  void aCancelledRetryThatFiresAnywayRunsNoRoundAndKeepsTheSoonerOnePending() {
    AdmissionRetry retry = new AdmissionRetry(timer, clock::get, rounds::incrementAndGet);
    retry.within(Duration.ofSeconds(5));
    FakeTimer.Scheduled late = timer.last();
    retry.within(Duration.ofSeconds(1));

    late.fire();

    assertThat(rounds).hasValue(0);
    assertThat(retry.pending()).isTrue();
    timer.last().fire();
    assertThat(rounds).hasValue(1);
    assertThat(retry.pending()).isFalse();
  }

  @Test
  void afterItsRoundRanAnyLaterRequestIsScheduledAgain() {
    AdmissionRetry retry = new AdmissionRetry(timer, clock::get, rounds::incrementAndGet);
    retry.within(Duration.ofSeconds(1));
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    timer.last().fire();

    retry.within(Duration.ofSeconds(10));

    assertThat(timer.scheduled).hasSize(2);
    assertThat(timer.last().delay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(retry.pending()).isTrue();
  }

  @Test
  void aTimerThatRefusesWorkLeavesNothingPending() {
    AdmissionRetry retry = new AdmissionRetry((task, delay) -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }, clock::get, rounds::incrementAndGet);
    retry.within(Duration.ofSeconds(1));
    assertThat(retry.pending()).isFalse();
  }
}
