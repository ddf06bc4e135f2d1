package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.Job;
import java.util.Comparator;
import java.util.Objects;

/**
 * A job's position in the store's listing order, newest first: by {@code created_at_ms} descending,
 * then by id ascending. Ids are unique, so positions are totally ordered. A page of a listing ends at the
 * cursor of its last job, and the next page holds the jobs strictly after it; jobs added later are newer
 * (created now), so they sort before every cursor already handed out and never shift a later page.
 */
public record JobCursor(long createdAtMs, String id) implements Comparable<JobCursor> {
  /** Newest first, then by id. */
  public static final Comparator<JobCursor> ORDER =
      Comparator.comparingLong(JobCursor::createdAtMs).reversed().thenComparing(JobCursor::id);

  public JobCursor {
    Objects.requireNonNull(id, "id");
  }

  public static JobCursor of(Job job) {
    return new JobCursor(job.getCreatedAtMs(), job.getId());
  }

  /** Whether {@code job} comes strictly after this cursor in the listing order. */
  public boolean isBefore(Job job) {
    return ORDER.compare(this, of(job)) < 0;
  }

  @Override
  public int compareTo(JobCursor o) {
    return ORDER.compare(this, o);
  }
}
