package io.ringmaster.coordinator;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Writes the first N samples of the real Fashion-MNIST (Debian's dataset-fashion-mnist) as plain IDX
 * files, so tests train on real data without spending minutes on all 60,000 samples.
 */
final class FashionSubset {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  record Files4(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {}

  private FashionSubset() {}

  static Files4 write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    Files4 f = new Files4(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"),
        dir.resolve("test-images.idx"), dir.resolve("test-labels.idx"));
    copy(DIR.resolve("train-images-idx3-ubyte.gz"), f.trainImages(), train);
    copy(DIR.resolve("train-labels-idx1-ubyte.gz"), f.trainLabels(), train);
    copy(DIR.resolve("t10k-images-idx3-ubyte.gz"), f.testImages(), test);
    copy(DIR.resolve("t10k-labels-idx1-ubyte.gz"), f.testLabels(), test);
    return f;
  }

  private static void copy(Path gz, Path out, int n) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)));
        DataOutputStream o = new DataOutputStream(Files.newOutputStream(out))) {
      int magic = in.readInt();
      int dims = magic & 0xff;
      o.writeInt(magic);
      int count = in.readInt();
      if (count < n) {
        throw new IOException(gz + " has only " + count + " samples");
      }
      o.writeInt(n);
      int per = 1;
      for (int d = 1; d < dims; d++) {
        int size = in.readInt();
        o.writeInt(size);
        per *= size;
      }
      byte[] buf = new byte[per * n];
      in.readFully(buf);
      o.write(buf);
    }
  }

  static String yaml(Files4 f, int workers, int epochs, int batch) {
    return yaml(f, workers, epochs, batch, "{}");
  }

  /** The full Fashion-MNIST as shipped by Debian (60,000 / 10,000 samples). */
  static Files4 full() {
    return new Files4(DIR.resolve("train-images-idx3-ubyte.gz"), DIR.resolve("train-labels-idx1-ubyte.gz"),
        DIR.resolve("t10k-images-idx3-ubyte.gz"), DIR.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  /** A job file; {@code faultTolerance} is a YAML flow mapping, e.g. {@code {minWorkers: 2}}. */
  static String yaml(Files4 f, int workers, int epochs, int batch, String faultTolerance) {
    return """
        name: test-mlp
        model: {architecture: mlp, hidden: [64]}
        data:
          train: {path: %s, labels: %s}
          test: {path: %s, labels: %s}
        epochs: %d
        batchSize: %d
        updater: {type: adam, learningRate: 0.002}
        seed: 7
        workers: %d
        resources: {heapMb: 512, offheapMb: 512}
        faultTolerance: %s
        """.formatted(f.trainImages(), f.trainLabels(), f.testImages(), f.testLabels(), epochs, batch, workers,
        faultTolerance);
  }

}
