package io.ringmaster.job.spec;

/**
 * How a value a client sent is repeated back in an error message: at most a short prefix, with control
 * characters replaced, so that a huge or hostile value can neither blow up the reply (gRPC carries the
 * status message in an HTTP/2 trailer, which clients cap at 8 KiB) nor forge lines in a terminal or a log.
 */
public final class Echo {
  /** Characters of a client value repeated in a message by default. */
  public static final int DEFAULT_CHARS = 120;
  /**
   * Longest status description the coordinator sends, in bytes as encoded in the trailer: well under the
   * 8 KiB of metadata a gRPC client accepts by default.
   */
  public static final int MAX_DESCRIPTION_BYTES = 4000;

  private Echo() {}

  /** {@code value} cut to {@link #DEFAULT_CHARS} characters. */
  public static String of(String value) {
    return of(value, DEFAULT_CHARS);
  }

  /**
   * {@code value} cut to {@code max} characters, followed by how many were left out; control characters
   * (newlines included) become '?'. Null is written {@code (none)}.
   */
  public static String of(String value, int max) {
    if (value == null) {
      return "(none)";
    }
    int keep = Math.min(value.length(), max);
    StringBuilder b = new StringBuilder(keep + 32);
    for (int i = 0; i < keep; i++) {
      char c = value.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (value.length() > max) {
      b.append("...(").append(value.length() - max).append(" more characters)");
    }
    return b.toString();
  }

  /**
   * A whole status description cut so that its encoding in the {@code grpc-message} trailer (printable
   * ASCII as is, every other UTF-8 byte as {@code %XX}) stays within {@link #MAX_DESCRIPTION_BYTES}; newlines
   * kept.
   */
  public static String description(String text) {
    int encoded = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int cost = c >= 0x20 && c < 0x7f && c != '%' ? 1 : 3 * utf8Bytes(c);
      if (encoded + cost > MAX_DESCRIPTION_BYTES) {
        return text.substring(0, i) + "...(" + (text.length() - i) + " more characters cut)";
      }
      encoded += cost;
    }
    return text;
  }

  private static int utf8Bytes(char c) {
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    return Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4 bytes, 2 per half
  }
}
