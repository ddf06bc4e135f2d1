package io.ringmaster.worker.collective;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Wakes the thread running an all-reduce when something it may be waiting for happened: a frame
 * arrived, the outgoing stream became ready, or the ring failed. The waiter reads {@link #version()}
 * before checking its state and then waits for the version to move, so no wake-up is lost.
 */
final class RingEvents {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long version;

  void signal() {
    lock.lock();
    try {
      version++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long version() {
    lock.lock();
    try {
      return version;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the version differs from {@code seen} or {@code deadlineNanos} (on {@code nanoClock})
   * passes. The wait re-reads the clock at least once a second, so a clock that jumps (a test's fake
   * clock) is noticed without a signal.
   */
  void awaitChange(long seen, long deadlineNanos, LongSupplier nanoClock) throws InterruptedException {
    lock.lock();
    try {
      while (version == seen) {
        long left = deadlineNanos - nanoClock.getAsLong();
        if (left <= 0) {
          return;
        }
        changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    } finally {
      lock.unlock();
    }
  }
}
