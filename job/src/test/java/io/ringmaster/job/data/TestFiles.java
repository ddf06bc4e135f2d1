package io.ringmaster.job.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX and CSV files for the tests. */
final class TestFiles {
  private TestFiles() {}

  /** IDX images bytes: magic, n, rows, cols, then {@code pixels}. */
  static byte[] idxImages(int magic, int n, int rows, int cols, byte[] pixels) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    out.writeInt(n);
    out.writeInt(rows);
    out.writeInt(cols);
    out.write(pixels);
    return b.toByteArray();
  }

  /** IDX labels bytes: magic, n, then the labels. */
  static byte[] idxLabels(int magic, int n, int... labels) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    out.writeInt(n);
    for (int l : labels) {
      out.writeByte(l);
    }
    return b.toByteArray();
  }

  /** Pixels 0, 1, 2, ... (mod 256). */
  static byte[] ramp(int n) {
    byte[] p = new byte[n];
    for (int i = 0; i < n; i++) {
      p[i] = (byte) i;
    }
    return p;
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(b)) {
      out.write(content);
    }
    return b.toByteArray();
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  static Path write(Path dir, String name, String text) throws IOException {
    return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
  }
}
