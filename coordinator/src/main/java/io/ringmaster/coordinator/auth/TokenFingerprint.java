package io.ringmaster.coordinator.auth;

import java.util.HexFormat;

/**
 * What the audit trail says about a token the coordinator does not know: {@code sha256:} and the first 12
 * hex digits (48 bits) of its SHA-256. An operator matches it with the {@code sha256:} entries of a tokens
 * file (a revoked token still in use shows up this way); nobody can get the token back from it. A string
 * shorter than the shortest token the coordinator accepts ({@value TokensFile#MIN_TOKEN_CHARS}
 * characters) may be a password sent by mistake, guessable from a fingerprint: it gets none.
 */
final class TokenFingerprint {
  static final int HEX_DIGITS = 12;

  private TokenFingerprint() {}

  /** The fingerprint, or {@code short-token} for a string too short to be fingerprinted safely. */
  static String of(String presented) {
    if (presented.length() < TokensFile.MIN_TOKEN_CHARS) {
      return "short-token";
    }
    return "sha256:" + HexFormat.of().formatHex(TokenTable.sha256(presented)).substring(0, HEX_DIGITS);
  }
}
