package io.ringmaster.coordinator.api;

import io.ringmaster.coordinator.store.AuditQuery;
import java.util.stream.Collectors;

/**
 * The opaque {@code page_token} of {@code ListAuditEvents} (AIP-158): the seq of the last record of the
 * previous page and a digest of the filters it was listed with, in a {@link PageTokenEnvelope}:
 * {@code a1:<seq>:<filter digest>}. Records are listed by falling seq, so the next page starts below it
 * however many records were added or deleted meanwhile. A token used with other filters is refused: the
 * pages would not fit together.
 */
final class AuditPageToken {
  private static final String VERSION = "a1";

  private AuditPageToken() {}

  static String encode(long lastSeq, AuditQuery query) {
    return PageTokenEnvelope.encode(VERSION, lastSeq, digest(query));
  }

  /** The seq to continue below; {@link Long#MAX_VALUE} for an empty token (the first page). */
  static long decode(String token, AuditQuery query) throws PageTokenEnvelope.InvalidTokenException {
    if (token.isEmpty()) {
      return Long.MAX_VALUE;
    }
    String[] f = PageTokenEnvelope.decode(token, VERSION, 2);
    long seq = PageTokenEnvelope.number(f[0]);
    if (!f[1].equals(digest(query))) {
      throw new PageTokenEnvelope.InvalidTokenException("page_token was issued for other filters (tenant, since_ms,"
          + " actions, job_id): list every page with the same filters, or start again with an empty page_token");
    }
    return seq;
  }

  private static String digest(AuditQuery q) {
    String canonical = q.tenant() + "|" + q.sinceMs() + "|" + q.actions().stream().map(Enum::name).sorted()
        .collect(Collectors.joining(",")) + "|" + q.jobId();
    return Integer.toHexString(canonical.hashCode());
  }
}
