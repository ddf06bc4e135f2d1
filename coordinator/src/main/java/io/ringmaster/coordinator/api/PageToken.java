package io.ringmaster.coordinator.api;

import io.ringmaster.coordinator.store.JobCursor;
import io.ringmaster.proto.v1.JobState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;

/**
 * The opaque {@code page_token} of {@code ListJobs} (AIP-158): the {@link JobCursor} of the last job of
 * the previous page and the state filter it was listed with, as URL-safe base64 of
 * {@code v1:<created_at_ms>:<state bit mask>:<id>}. The cursor is a position in the newest-first order,
 * not an offset, so a token stays valid however many jobs are added or deleted meanwhile. A token used
 * with another filter is refused: the pages would not fit together.
 */
final class PageToken {
  private static final String VERSION = "v1";

  /** A token that is malformed or does not belong to the request it came with. */
  static final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }

  private PageToken() {}

  static String encode(JobCursor last, Collection<JobState> states) {
    String raw = VERSION + ":" + last.createdAtMs() + ":" + mask(states) + ":" + last.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor to continue after; null for an empty token (the first page). */
  static JobCursor decode(String token, Collection<JobState> states) throws InvalidTokenException {
    if (token.isEmpty()) {
      return null;
    }
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 4);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued (not base64url): "
          + "pass next_page_token from the previous response unchanged, or leave it empty for the first page");
    }
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued: pass "
          + "next_page_token from the previous response unchanged, or leave it empty for the first page");
    }
    long created;
    long mask;
    try {
      created = Long.parseLong(parts[1]);
      mask = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      throw new InvalidTokenException("page_token is damaged: pass next_page_token from the previous response "
          + "unchanged, or leave it empty for the first page");
    }
    if (mask != mask(states)) {
      throw new InvalidTokenException("page_token was issued for another state filter: list every page with "
          + "the same states, or start again with an empty page_token");
    }
    return new JobCursor(created, parts[3]);
  }

  private static long mask(Collection<JobState> states) {
    long mask = 0;
    for (JobState s : states.isEmpty() ? EnumSet.noneOf(JobState.class) : EnumSet.copyOf(states)) {
      mask |= 1L << Math.min(63, s.getNumber());
    }
    return mask;
  }
}
