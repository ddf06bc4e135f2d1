package io.ringmaster.coordinator.jobs;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one admission round that schedulers asked to have run later ({@code GangDecision.retryAfter()}: a
 * queued job that Kubernetes cannot place yet, or whose backoff runs).
 *
 * <p><b>States.</b> IDLE (nothing pending) or PENDING (one round due at a time on the clock, under a
 * token):
 * <ul>
 *   <li>IDLE + {@link #within(Duration) within(d)}: PENDING, due now + d.
 *   <li>PENDING + {@code within(d)} due no sooner: unchanged (the pending round asks the scheduler again
 *       anyway, and a round that still cannot admit asks for the next retry).
 *   <li>PENDING + {@code within(d)} due sooner: the pending round is cancelled; PENDING, due now + d.
 *   <li>PENDING + the timer fires with the current token: IDLE, <em>then</em> the round runs, so a round
 *       that asks for another retry gets one. A timer that fires with an older token (cancelled too late)
 *       does nothing.
 * </ul>
 *
 * <p>Why the order of the last step matters: a requeued Kubernetes job whose backoff still runs is asked
 * again round after round. When "pending" was judged by the timer's future ({@code !isDone()}), a round run
 * from that timer, on another timer thread, could see its own future not done yet and drop the next retry:
 * the job then stayed QUEUED for ever unless something else (a submission, a job ending) ran a round.
 */
final class AdmissionRetry {
  private static final Logger log = LoggerFactory.getLogger(AdmissionRetry.class);

  /** Runs a task once after a delay; returns what cancels it. */
  @FunctionalInterface
  interface Timer {
    Runnable schedule(Runnable task, Duration delay);

    /** A timer on a scheduled executor (at least 1 ms, as the executor counts in milliseconds). */
    static Timer on(ScheduledExecutorService executor) {
      return (task, delay) -> {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      };
    }
  }

  private final Timer timer;
  private final LongSupplier nanoClock;
  private final Runnable round;
  /** Guarded by this. */
  private boolean pending;
  private long dueNanos;
  private long token;
  private Runnable cancelPending = () -> { };

  /**
   * @param timer runs the round later
   * @param nanoClock monotonic clock the delays are measured on
   * @param round the admission round to run (on the timer's thread)
   */
  AdmissionRetry(Timer timer, LongSupplier nanoClock, Runnable round) {
    this.timer = timer;
    this.nanoClock = nanoClock;
    this.round = round;
  }

  /** Makes sure a round runs within {@code delay} from now. */
  synchronized void within(Duration delay) {
    long due = nanoClock.getAsLong() + delay.toNanos();
    if (pending && dueNanos - due <= 0) {
      return;
    }
    cancelPending.run();
    long mine = ++token;
    try {
      cancelPending = timer.schedule(() -> fire(mine), delay);
      pending = true;
      dueNanos = due;
    } catch (RejectedExecutionException e) {
      pending = false;
      cancelPending = () -> { };
      log.debug("coordinator shutting down: no admission retry");
    }
  }

  /** True while a round is due (for tests and status). */
  synchronized boolean pending() {
    return pending;
  }

  private void fire(long firedToken) {
    synchronized (this) {
      if (!pending || firedToken != token) {
        return; // cancelled, and a sooner round took its place
      }
      pending = false;
      cancelPending = () -> { };
    }
    round.run();
  }
}
