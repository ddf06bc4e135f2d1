package io.ringmaster.coordinator.datasets;

import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.StartUploadRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Small valid data files, as bytes. */
final class SampleFiles {
  private SampleFiles() {}

  /** An IDX images file of {@code n} images of rows x cols, pixel values from {@code seed}. */
  static byte[] idxImages(int n, int rows, int cols, int seed) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < n * rows * cols; i++) {
        out.writeByte((i * 31 + seed) & 0xFF);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** An IDX labels file of {@code n} labels cycling through {@code classes}. */
  static byte[] idxLabels(int n, int classes) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(0x00000801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(i % classes);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] csv() {
    return "a,b,c,label\n1,2,3,0\n4,5,6,2\n".getBytes(StandardCharsets.UTF_8);
  }

  static StartUploadRequest announce(String name, byte[] bytes) {
    return StartUploadRequest.newBuilder().setName(name).setSizeBytes(bytes.length).setSha256(Sha256.of(bytes))
        .build();
  }
}
