package io.ringmaster.kubernetes;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small random IDX data sets (28x28 images, 10 classes) and a job file that trains an MLP on them. */
final class SyntheticData {
  private SyntheticData() {}

  static String jobYaml(Path dir, int workers, int train, int test, String extra) throws IOException {
    Files.createDirectories(dir);
    write(dir, "train", train, 1);
    write(dir, "test", test, 2);
    return """
        name: k8s-mlp
        model: {architecture: mlp, hidden: [32]}
        data:
          train: {path: %s, labels: %s}
          test: {path: %s, labels: %s}
        epochs: 1
        batchSize: 32
        updater: {type: adam, learningRate: 0.002}
        seed: 7
        workers: %d
        """.formatted(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"),
        dir.resolve("test-images.idx"), dir.resolve("test-labels.idx"), workers) + extra;
  }

  private static void write(Path dir, String name, int n, long seed) throws IOException {
    Random r = new Random(seed);
    try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(dir.resolve(name + "-images.idx")));
        DataOutputStream labels = new DataOutputStream(Files.newOutputStream(dir.resolve(name + "-labels.idx")))) {
      images.writeInt(0x00000803);
      images.writeInt(n);
      images.writeInt(28);
      images.writeInt(28);
      labels.writeInt(0x00000801);
      labels.writeInt(n);
      byte[] pixels = new byte[28 * 28];
      for (int i = 0; i < n; i++) {
        r.nextBytes(pixels);
        images.write(pixels);
        labels.writeByte(r.nextInt(10));
      }
    }
  }
}
