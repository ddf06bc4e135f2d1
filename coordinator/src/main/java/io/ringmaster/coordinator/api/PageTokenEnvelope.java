package io.ringmaster.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The envelope every opaque {@code page_token} of this API shares (AIP-158): URL-safe base64 of
 * {@code <version>:<field>:...:<field>}, the last field free to hold colons. {@link PageToken} ({@code ListJobs})
 * and {@link AuditPageToken} ({@code ListAuditEvents}) put their own fields in it and check that the token
 * belongs to the request; the envelope refuses what this coordinator cannot have issued.
 */
final class PageTokenEnvelope {
  static final String AGAIN = "pass next_page_token from the previous response unchanged, or leave it empty for"
      + " the first page";

  /** A token that is malformed or does not belong to the request it came with; the message says which. */
  static final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }

  private PageTokenEnvelope() {}

  static String encode(String version, Object... fields) {
    StringBuilder raw = new StringBuilder(version);
    for (Object f : fields) {
      raw.append(':').append(f);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code count} fields of a non-empty {@code token} of {@code version}. */
  static String[] decode(String token, String version, int count) throws InvalidTokenException {
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", count + 1);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued (not base64url): " + AGAIN);
    }
    if (parts.length != count + 1 || !parts[0].equals(version)) {
      throw new InvalidTokenException("page_token is not a token this coordinator issued: " + AGAIN);
    }
    String[] fields = new String[count];
    System.arraycopy(parts, 1, fields, 0, count);
    return fields;
  }

  /** {@code field} as a long, or a "damaged" refusal. */
  static long number(String field) throws InvalidTokenException {
    try {
      return Long.parseLong(field);
    } catch (NumberFormatException e) {
      throw new InvalidTokenException("page_token is damaged: " + AGAIN);
    }
  }
}
