package io.ringmaster.worker.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.spec.DatasetRef;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fashion-MNIST, loaded once per test JVM. */
final class FashionData {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  private static Dataset train;
  private static Dataset test;

  private FashionData() {}

  static synchronized Dataset train() {
    if (train == null) {
      train = load("train");
    }
    return train;
  }

  static synchronized Dataset test() {
    if (test == null) {
      test = load("t10k");
    }
    return test;
  }

  private static Dataset load(String prefix) {
    Path images = DIR.resolve(prefix + "-images-idx3-ubyte.gz");
    assumeTrue(Files.isReadable(images), "Fashion-MNIST not installed: apt-get install dataset-fashion-mnist");
    try {
      return DatasetLoader.load(DatasetRef.idx(images.toString(),
          DIR.resolve(prefix + "-labels-idx1-ubyte.gz").toString()));
    } catch (DatasetException e) {
      throw new AssertionError(e);
    }
  }

  /** Sample indices {@code [from, from + n)}. */
  static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
