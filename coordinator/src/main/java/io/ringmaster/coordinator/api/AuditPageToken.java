package io.ringmaster.coordinator.api;

import io.ringmaster.coordinator.store.AuditQuery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * The opaque {@code page_token} of {@code ListAuditEvents} (AIP-158): the seq of the last record of the
 * previous page and a digest of the filters it was listed with, as URL-safe base64 of
 * {@code a1:<seq>:<filter digest>}. Records are listed by falling seq, so the next page starts below it
 * however many records were added or deleted meanwhile. A token used with other filters is refused: the
 * pages would not fit together.
 */
final class AuditPageToken {
  private static final String VERSION = "a1";

  /** A token that is malformed or does not belong to the request it came with. */
  static final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }

  private AuditPageToken() {}

  static String encode(long lastSeq, AuditQuery query) {
    String raw = VERSION + ":" + lastSeq + ":" + digest(query);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The seq to continue below; {@link Long#MAX_VALUE} for an empty token (the first page). */
  static long decode(String token, AuditQuery query) throws InvalidTokenException {
    if (token.isEmpty()) {
      return Long.MAX_VALUE;
    }
    String again = "pass next_page_token from the previous response unchanged, or leave it empty for the first"
        + " page";
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued (not base64url): " + again);
    }
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued: " + again);
    }
    long seq;
    try {
      seq = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      throw new InvalidTokenException("page_token is damaged: " + again);
    }
    if (!parts[2].equals(digest(query))) {
      throw new InvalidTokenException("page_token was issued for other filters (tenant, since_ms, actions,"
          + " job_id): list every page with the same filters, or start again with an empty page_token");
    }
    return seq;
  }

  private static String digest(AuditQuery q) {
    String canonical = q.tenant() + "|" + q.sinceMs() + "|" + q.actions().stream().map(Enum::name).sorted()
        .collect(Collectors.joining(",")) + "|" + q.jobId();
    return Integer.toHexString(canonical.hashCode());
  }
}
