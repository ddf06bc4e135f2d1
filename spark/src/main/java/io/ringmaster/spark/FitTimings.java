package io.ringmaster.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Where the wall time of one drop-in {@code fit} (or one {@code spark-submit} job) went, phase by phase, on
 * the driver: each {@link #lap} closes the phase that ran since the previous lap (or since construction)
 * under a name, and {@link #line} prints them in order with their total, e.g.
 *
 * <pre>fit 23.0 s: rows 0.0 s, coordinator 0.4 s, barrier stage 21.0 s (training 8.2 s), model back 1.2 s</pre>
 *
 * <p>A phase can carry a detail in parentheses ({@link #detail}), such as the training time the job reported
 * inside the barrier stage. Not thread-safe: the driver's fit thread owns it.
 */
final class FitTimings {
  private final LongSupplier nanos;
  private final long start;
  private long last;
  private final List<String> names = new ArrayList<>();
  private final List<Long> durations = new ArrayList<>();
  private final List<String> details = new ArrayList<>();

  /** @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}) */
  FitTimings(LongSupplier nanos) {
    this.nanos = nanos;
    this.start = nanos.getAsLong();
    this.last = start;
  }

  static FitTimings system() {
    return new FitTimings(System::nanoTime);
  }

  /** Ends the phase that ran since the previous lap and names it. */
  void lap(String phase) {
    long now = nanos.getAsLong();
    names.add(phase);
    durations.add(now - last);
    details.add(null);
    last = now;
  }

  /** Attaches {@code detail} to the phase named {@code phase} (the last one of that name). */
  void detail(String phase, String detail) {
    int i = names.lastIndexOf(phase);
    if (i < 0) {
      throw new IllegalArgumentException("no phase " + phase + " yet (phases: " + names + ")");
    }
    details.set(i, detail);
  }

  /** Seconds of the phase named {@code phase} (the last one of that name), 0 if there is none. */
  double seconds(String phase) {
    int i = names.lastIndexOf(phase);
    return i < 0 ? 0 : durations.get(i) / 1e9;
  }

  /** Seconds since construction. */
  double totalSeconds() {
    return (nanos.getAsLong() - start) / 1e9;
  }

  /** {@code what TOTAL s: phase s (detail), ...}. */
  String line(String what) {
    StringBuilder b = new StringBuilder(what).append(' ').append(s(totalSeconds())).append(':');
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? " " : ", ").append(names.get(i)).append(' ').append(s(durations.get(i) / 1e9));
      if (details.get(i) != null) {
        b.append(" (").append(details.get(i)).append(')');
      }
    }
    return b.toString();
  }

  private static String s(double seconds) {
    return String.format(Locale.US, "%.1f s", seconds);
  }
}
