package io.ringmaster.job.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Small real training data for tests that run jobs: the first N samples of Debian's Fashion-MNIST
 * ({@code dataset-fashion-mnist}) written as plain IDX files, and a job file that trains a small MLP on them.
 * Shared by the coordinator's, the integration module's and the cli's tests through this module's test jar.
 *
 * @param train training samples in {@link #trainImages}
 * @param test test samples in {@link #testImages}
 */
public record FashionSubset(Path trainImages, Path trainLabels, Path testImages, Path testLabels, int train,
    int test) {
  /** Where Debian's {@code dataset-fashion-mnist} installs the gzipped IDX files. */
  public static final Path DATASET = Path.of("/usr/share/datasets/fashion-mnist");

  /** Writes the first {@code train} training and {@code test} test samples under {@code dir}. */
  public static FashionSubset write(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    FashionSubset f = new FashionSubset(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"),
        dir.resolve("test-images.idx"), dir.resolve("test-labels.idx"), train, test);
    firstSamples(DATASET.resolve("train-images-idx3-ubyte.gz"), f.trainImages(), train);
    firstSamples(DATASET.resolve("train-labels-idx1-ubyte.gz"), f.trainLabels(), train);
    firstSamples(DATASET.resolve("t10k-images-idx3-ubyte.gz"), f.testImages(), test);
    firstSamples(DATASET.resolve("t10k-labels-idx1-ubyte.gz"), f.testLabels(), test);
    return f;
  }

  /** The whole dataset as Debian ships it (60,000 / 10,000 samples, gzipped), nothing written. */
  public static FashionSubset full() {
    return new FashionSubset(DATASET.resolve("train-images-idx3-ubyte.gz"),
        DATASET.resolve("train-labels-idx1-ubyte.gz"), DATASET.resolve("t10k-images-idx3-ubyte.gz"),
        DATASET.resolve("t10k-labels-idx1-ubyte.gz"), 60_000, 10_000);
  }

  /** {@link #yaml(String, int, int, int, String)} named {@code test-mlp}, default fault tolerance. */
  public String yaml(int workers, int epochs, int batch) {
    return yaml("test-mlp", workers, epochs, batch, "{}");
  }

  /** {@link #yaml(String, int, int, int, String)} named {@code test-mlp}. */
  public String yaml(int workers, int epochs, int batch, String faultTolerance) {
    return yaml("test-mlp", workers, epochs, batch, faultTolerance);
  }

  /**
   * A job file for {@code workers} workers: an MLP with one hidden layer of 64, Adam 0.002, seed 7, batch
   * {@code batch}, 512 MiB heap and off-heap per worker; {@code faultTolerance} is a YAML flow mapping, e.g.
   * {@code {minWorkers: 2}}.
   */
  public String yaml(String name, int workers, int epochs, int batch, String faultTolerance) {
    return """
        name: %s
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
        """.formatted(name, trainImages, trainLabels, testImages, testLabels, epochs, batch, workers,
        faultTolerance);
  }

  /** IDX: magic (its low byte is the number of dimensions), the dimensions, then the samples' bytes. */
  private static void firstSamples(Path gz, Path out, int n) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)));
        DataOutputStream o = new DataOutputStream(Files.newOutputStream(out))) {
      int magic = in.readInt();
      o.writeInt(magic);
      int count = in.readInt();
      if (count < n) {
        throw new IOException(gz + " holds " + count + " samples, fewer than the " + n + " asked for");
      }
      o.writeInt(n);
      int bytesPerSample = 1;
      for (int d = 1; d < (magic & 0xff); d++) {
        int size = in.readInt();
        o.writeInt(size);
        bytesPerSample *= size;
      }
      byte[] samples = new byte[bytesPerSample * n];
      in.readFully(samples);
      o.write(samples);
    }
  }
}
