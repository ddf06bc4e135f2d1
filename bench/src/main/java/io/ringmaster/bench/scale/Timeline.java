package io.ringmaster.bench.scale;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * When things happened to the simulated workers, by name: for each mark (e.g. {@code "runEpoch g1 e2"})
 * every time a worker recorded it. The benchmark reads its figures
 * from here (the last worker to receive RunEpoch of the first ring, the first Pause after a cut, ...), so
 * nothing is measured inside the coordinator and nothing polls it. Records of one mark are kept in the
 * order they came (the clock is monotonic), so the {@code n}-th record is "when n workers had it".
 *
 * <p>Thread-safe; times come from the injected monotonic clock (nanoseconds).
 */
final class Timeline {
  /** One mark: every time it was recorded, in order. */
  static final class Mark {
    private long[] times = new long[16];
    private int count;

    synchronized void record(long now) {
      if (count == times.length) {
        times = java.util.Arrays.copyOf(times, count * 2);
      }
      times[count++] = now;
      notifyAll();
    }

    synchronized int count() {
      return count;
    }

    /** When the {@code n}-th record (1-based) came. */
    synchronized long nth(int n) {
      if (n < 1 || n > count) {
        throw new IllegalArgumentException("record " + n + " of " + count);
      }
      return times[n - 1];
    }

    /** Waits until {@code n} records are in, up to {@code timeoutNanos}. */
    synchronized void await(int n, long timeoutNanos, String name) throws InterruptedException, TimeoutException {
      long deadline = System.nanoTime() + timeoutNanos;
      while (count < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(name + ": " + count + " of " + n + " records after "
              + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  private final LongSupplier nanoClock;
  private final Map<String, Mark> marks = new ConcurrentHashMap<>();

  Timeline(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  long now() {
    return nanoClock.getAsLong();
  }

  /** Records {@code name} now. */
  void record(String name) {
    mark(name).record(nanoClock.getAsLong());
  }

  Mark mark(String name) {
    return marks.computeIfAbsent(name, n -> new Mark());
  }

  int count(String name) {
    Mark m = marks.get(name);
    return m == null ? 0 : m.count();
  }

  /** When the {@code n}-th record of {@code name} (1-based) came, if it did. */
  OptionalLong nth(String name, int n) {
    Mark m = marks.get(name);
    return m == null || m.count() < n ? OptionalLong.empty() : OptionalLong.of(m.nth(n));
  }

  /** Waits until {@code n} workers recorded {@code name}; throws naming the mark after the timeout. */
  void await(String name, int n, long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
    mark(name).await(n, unit.toNanos(timeout), name);
  }

  static String assign(long generation) {
    return "assign g" + generation;
  }

  static String runEpoch(long generation, int epoch) {
    return "runEpoch g" + generation + " e" + epoch;
  }

  static String epochResult(long generation, int epoch) {
    return "epochResult g" + generation + " e" + epoch;
  }

  /** Any RunEpoch of a generation: its first records are the ring's first command after (re-)forming. */
  static String run(long generation) {
    return "run g" + generation;
  }

  static String pause(long generation) {
    return "pause g" + generation;
  }

  static final String WELCOME = "welcome";
  static final String ENDED = "stream ended";
  static final String RELEASE = "release";
  static final String REATTACH = "attached again";
}
