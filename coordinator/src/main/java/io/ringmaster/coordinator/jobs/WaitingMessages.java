package io.ringmaster.coordinator.jobs;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides when the QUEUED message of a job waiting for its gang of hand-started workers ("waiting for 1000
 * worker(s): 412 free, 412 attached") is stored and published: a message that changed is shown at once if
 * the job's previous one is at least {@code interval} old, otherwise it waits for a later admission round.
 * The counts change with every worker that attaches or beats for the first time, and each shown message
 * is a durable write and a NOTICE to every watcher: without this, a gang of a thousand gathering made a
 * thousand of each. Admission rounds run at least every heartbeat interval, so the message shown is never
 * more than about one interval behind.
 *
 * <p>Not thread-safe: the job manager calls it under its lock. Time comes from the injected monotonic clock.
 */
final class WaitingMessages {
  private record Shown(String message, long atNanos) {}

  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final Map<String, Shown> shown = new HashMap<>();

  WaitingMessages(LongSupplier nanoClock, Duration interval) {
    this.nanoClock = nanoClock;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * True when {@code message} should be stored and published for {@code jobId} now (it is then recorded as
   * shown): it differs from the last one shown and that one was shown at least the interval ago, or none was.
   */
  boolean show(String jobId, String message) {
    long now = nanoClock.getAsLong();
    Shown last = shown.get(jobId);
    if (last != null && (last.message().equals(message) || now - last.atNanos() < intervalNanos)) {
      return false;
    }
    shown.put(jobId, new Shown(message, now));
    return true;
  }

  /** Forgets jobs that no longer wait. */
  void retainOnly(Set<String> waiting) {
    shown.keySet().retainAll(waiting);
  }
}
