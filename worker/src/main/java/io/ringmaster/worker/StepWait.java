package io.ringmaster.worker;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Which step the job thread is waiting on in the all-reduce, and since when: what a StallReport says.
 * The job thread calls {@link #started} before the all-reduce and {@link #ended} after it; the
 * heartbeat timer reads {@link #step} and {@link #waitedMillis} from another thread.
 */
final class StepWait {
  private static final long NOT_WAITING = -1;

  private final LongSupplier nanoClock;
  // written together by the job thread; a reader may see a new step with the old start for an instant,
  // which only shortens one report's waiting time
  private volatile long step = NOT_WAITING;
  private volatile long sinceNanos;

  StepWait(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The job thread starts waiting on {@code step}'s all-reduce. */
  void started(long step) {
    sinceNanos = nanoClock.getAsLong();
    this.step = step;
  }

  /** The all-reduce returned or failed. */
  void ended() {
    step = NOT_WAITING;
  }

  /** The step being waited on, or -1 when the job thread is not in an all-reduce. */
  long step() {
    return step;
  }

  /** How long the current wait has lasted, or -1 when not waiting. */
  long waitedMillis() {
    if (step == NOT_WAITING) {
      return -1;
    }
    return TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - sinceNanos);
  }
}
