package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.Job;
import java.time.Duration;
import java.util.Objects;

/**
 * How long the coordinator keeps finished jobs (SUCCEEDED, FAILED, CANCELLED) before deleting them like
 * {@code DeleteJob} does (record, checkpoints, job directory). Queued and active jobs are never touched.
 * A finished job is deleted when either rule says so:
 *
 * <ul>
 *   <li>{@code keepFor}: it finished longer ago than this (by {@code finished_at_ms}, or
 *       {@code created_at_ms} when that is unset). {@link Duration#ZERO} keeps them however old.
 *   <li>{@code keepFinishedJobs}: it is not among the newest this many finished jobs (newest by creation,
 *       the listing order). 0 keeps any number.
 * </ul>
 *
 * <p>{@link #KEEP_ALL} (the default) deletes nothing. The sweep runs every {@code interval}.
 */
public record RetentionPolicy(Duration keepFor, int keepFinishedJobs, Duration interval) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(Duration.ZERO, 0, DEFAULT_INTERVAL);

  public RetentionPolicy {
    Objects.requireNonNull(keepFor, "keepFor");
    Objects.requireNonNull(interval, "interval");
    if (keepFor.isNegative() || keepFinishedJobs < 0 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("retention: keepFor and keepFinishedJobs must be >= 0 and interval > 0;"
          + " got " + keepFor + ", " + keepFinishedJobs + ", " + interval);
    }
  }

  /** Whether the policy can delete anything at all. */
  public boolean deletesAnything() {
    return !keepFor.isZero() || keepFinishedJobs > 0;
  }

  /**
   * Whether a finished job is past retention.
   *
   * @param newerFinished how many finished jobs come before it in the listing order
   * @param nowMs the wall clock, Unix epoch milliseconds
   */
  public boolean expired(Job finished, long newerFinished, long nowMs) {
    if (keepFinishedJobs > 0 && newerFinished >= keepFinishedJobs) {
      return true;
    }
    long endedMs = finished.getFinishedAtMs() > 0 ? finished.getFinishedAtMs() : finished.getCreatedAtMs();
    return !keepFor.isZero() && nowMs - endedMs > keepFor.toMillis();
  }
}
