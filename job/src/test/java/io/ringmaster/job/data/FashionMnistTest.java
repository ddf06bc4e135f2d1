package io.ringmaster.job.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringmaster.job.spec.DatasetRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST files of the Debian package dataset-fashion-mnist. */
class FashionMnistTest {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final DatasetRef TRAIN = DatasetRef.idx(DIR.resolve("train-images-idx3-ubyte.gz").toString(),
      DIR.resolve("train-labels-idx1-ubyte.gz").toString());
  static final DatasetRef TEST = DatasetRef.idx(DIR.resolve("t10k-images-idx3-ubyte.gz").toString(),
      DIR.resolve("t10k-labels-idx1-ubyte.gz").toString());

  @BeforeAll
  static void dataInstalled() {
    assumeTrue(Files.isReadable(DIR.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST not installed: apt-get install dataset-fashion-mnist");
  }

  @Test
  void trainingSet() throws Exception {
    Dataset d = DatasetLoader.load(TRAIN);
    assertThat(d.info()).isEqualTo(new DatasetInfo(60_000, 1, 28, 28, 10));
    assertThat(d.label(0)).isEqualTo(9);
    assertThat(d.label(1)).isZero();
    assertThat(d.label(3)).isEqualTo(3);
    // row 14 of the first image: ... 0, 0, 237, 226 ... 255, 77, 0
    float[] img = new float[784];
    d.gather(new int[] {0}, 1, img, 0);
    assertThat(img[14 * 28 + 12]).isEqualTo(237 / 255f);
    assertThat(img[14 * 28 + 25]).isEqualTo(1f);
    assertThat(img[14 * 28 + 26]).isEqualTo(77 / 255f);
  }

  @Test
  void testSet() throws Exception {
    Dataset d = DatasetLoader.load(TEST);
    assertThat(d.info()).isEqualTo(new DatasetInfo(10_000, 1, 28, 28, 10));
    assertThat(d.label(0)).isEqualTo(9);
    assertThat(d.label(1)).isEqualTo(2);
  }

  @Test
  void probeGivesTheSameShapesWithoutLoading() {
    ProbeResult train = DataProbe.probe("spec.data.train", TRAIN);
    ProbeResult test = DataProbe.probe("spec.data.test", TEST);
    assertThat(train.violations()).isEmpty();
    assertThat(train.info()).isEqualTo(new DatasetInfo(60_000, 1, 28, 28, 10));
    assertThat(test.info()).isEqualTo(new DatasetInfo(10_000, 1, 28, 28, 10));
    assertThat(DataProbe.checkCompatible("spec.data.test", train.info(), test.info())).isEmpty();
  }
}
