package io.ringmaster.job.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as used for every file Ringmaster stores or moves: lowercase hex of 32 bytes. */
public final class Sha256 {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private Sha256() {}

  /** A fresh digest. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256, which every Java SE runtime must provide", e);
    }
  }

  /** Hex of a finished digest. */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** SHA-256 of a file's bytes, streamed. */
  public static String ofFile(Path file) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return hex(d);
  }

  /** SHA-256 of bytes. */
  public static String of(byte[] bytes) {
    MessageDigest d = digest();
    d.update(bytes);
    return hex(d);
  }

  /** Whether {@code s} is a SHA-256 in the form Ringmaster writes (64 lowercase hex digits). */
  public static boolean isHex(String s) {
    return s != null && HEX.matcher(s).matches();
  }
}
