package io.ringmaster.coordinator.auth;

import java.util.function.LongSupplier;

/**
 * How many refused calls the audit trail records one by one: a token bucket of {@link #BURST} records,
 * refilled at {@link #PER_MINUTE} a minute, on an injected clock. A refusal that finds the bucket empty is
 * only counted; the next one recorded carries the count ("and N more since ..."), so a flood of bad calls
 * costs at most {@code PER_MINUTE} records a minute (plus one burst) in the store and the log, and nothing
 * of it is silently lost. Thread-safe.
 *
 * <p>Bound on disk: each record is about 250 bytes in the job store (row and indexes), so refusals add at
 * most {@code PER_MINUTE * 1440 * 250} bytes a day (about 2.2 MB at the default 6 a minute), kept for
 * {@code security.auditKeepDays} (about 0.2 GB over the default 90 days under a flood lasting all of them).
 */
final class RefusalRateLimit {
  /** Refusals recorded back to back before the rate applies. */
  static final int BURST = 60;
  /** Refusals recorded a minute once the burst is spent. */
  static final int PER_MINUTE = 6;

  /** The decision for one refusal. */
  record Decision(boolean record, long suppressedBefore, long suppressedSinceMs) {}

  private final LongSupplier wallClockMs;
  private final int burst;
  private final double perMs;
  private double tokens;
  private long lastMs;
  private long suppressed;
  private long firstSuppressedMs;

  RefusalRateLimit(LongSupplier wallClockMs) {
    this(wallClockMs, BURST, PER_MINUTE);
  }

  RefusalRateLimit(LongSupplier wallClockMs, int burst, int perMinute) {
    this.wallClockMs = wallClockMs;
    this.burst = burst;
    this.perMs = perMinute / 60_000.0;
    this.tokens = burst;
    this.lastMs = wallClockMs.getAsLong();
  }

  /**
   * Whether to record this refusal; when it is recorded, how many were only counted before it (and since
   * when), which the record then carries.
   */
  synchronized Decision next() {
    long now = wallClockMs.getAsLong();
    tokens = Math.min(burst, tokens + Math.max(0, now - lastMs) * perMs);
    lastMs = Math.max(lastMs, now);
    if (tokens >= 1) {
      tokens -= 1;
      Decision d = new Decision(true, suppressed, firstSuppressedMs);
      suppressed = 0;
      return d;
    }
    if (suppressed++ == 0) {
      firstSuppressedMs = now;
    }
    return new Decision(false, suppressed, firstSuppressedMs);
  }
}
