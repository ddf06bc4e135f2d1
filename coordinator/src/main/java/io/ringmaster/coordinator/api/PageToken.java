package io.ringmaster.coordinator.api;

import io.ringmaster.coordinator.store.JobCursor;
import io.ringmaster.proto.v1.JobState;
import java.util.Collection;
import java.util.EnumSet;

/**
 * The opaque {@code page_token} of {@code ListJobs} (AIP-158): the {@link JobCursor} of the last job of
 * the previous page and the state filter it was listed with, in a {@link PageTokenEnvelope}:
 * {@code v1:<created_at_ms>:<state bit mask>:<id>}. The cursor is a position in the newest-first order,
 * not an offset, so a token stays valid however many jobs are added or deleted meanwhile. A token used
 * with another filter is refused: the pages would not fit together.
 */
final class PageToken {
  private static final String VERSION = "v1";

  private PageToken() {}

  static String encode(JobCursor last, Collection<JobState> states) {
    return PageTokenEnvelope.encode(VERSION, last.createdAtMs(), mask(states), last.id());
  }

  /** The cursor to continue after; null for an empty token (the first page). */
  static JobCursor decode(String token, Collection<JobState> states) throws PageTokenEnvelope.InvalidTokenException {
    if (token.isEmpty()) {
      return null;
    }
    String[] f = PageTokenEnvelope.decode(token, VERSION, 3);
    long created = PageTokenEnvelope.number(f[0]);
    long mask = PageTokenEnvelope.number(f[1]);
    if (mask != mask(states)) {
      throw new PageTokenEnvelope.InvalidTokenException("page_token was issued for another state filter: list every"
          + " page with the same states, or start again with an empty page_token");
    }
    return new JobCursor(created, f[2]);
  }

  private static long mask(Collection<JobState> states) {
    long mask = 0;
    for (JobState s : states.isEmpty() ? EnumSet.noneOf(JobState.class) : EnumSet.copyOf(states)) {
      mask |= 1L << Math.min(63, s.getNumber());
    }
    return mask;
  }
}
