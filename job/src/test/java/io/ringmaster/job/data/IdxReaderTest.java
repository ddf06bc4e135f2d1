package io.ringmaster.job.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  /** 3 images of 2x3 with pixels 0..17 (the last one set to 255), labels 2, 0, 4. */
  private DatasetInfoAndData write(boolean gz) throws Exception {
    byte[] pixels = TestFiles.ramp(18);
    pixels[17] = (byte) 255;
    byte[] images = TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 3, pixels);
    byte[] labels = TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 3, 2, 0, 4);
    // names say nothing about compression: detection is by magic bytes
    Path i = TestFiles.write(dir, "images.bin", gz ? TestFiles.gzip(images) : images);
    Path l = TestFiles.write(dir, "labels.bin", gz ? TestFiles.gzip(labels) : labels);
    return new DatasetInfoAndData(i.toString(), l.toString());
  }

  private record DatasetInfoAndData(String images, String labels) {}

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void readsShapeLabelsAndScaledPixels(boolean gz) throws Exception {
    DatasetInfoAndData f = write(gz);
    ByteImageDataset d = IdxReader.read(f.images(), f.labels());

    assertThat(d.info()).isEqualTo(new DatasetInfo(3, 1, 2, 3, 5));
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.features()).isEqualTo(6);
    assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(2, 0, 4);

    float[] out = new float[12];
    d.gather(new int[] {2, 0, 1}, 2, out, 0);
    assertThat(out).containsExactly(12 / 255f, 13 / 255f, 14 / 255f, 15 / 255f, 16 / 255f, 1f,
        0f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void probeAgreesWithRead(boolean gz) throws Exception {
    DatasetInfoAndData f = write(gz);
    assertThat(IdxReader.probe(f.images(), f.labels())).isEqualTo(IdxReader.read(f.images(), f.labels()).info());
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void bufferGatherMatchesArrayGather(boolean gz) throws Exception {
    DatasetInfoAndData f = write(gz);
    ByteImageDataset d = IdxReader.read(f.images(), f.labels());
    int[] idx = {1, 2, 1};
    float[] expected = new float[18];
    d.gather(idx, 3, expected, 0);

    FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(4 * 20).asFloatBuffer();
    direct.position(5);
    d.gather(idx, 3, direct, 2);
    float[] got = new float[18];
    direct.get(2, got);
    assertThat(got).containsExactly(expected);
    assertThat(direct.position()).isEqualTo(5);

    FloatBuffer range = FloatBuffer.allocate(12);
    d.gatherRange(1, 2, range, 0);
    float[] expectedRange = new float[12];
    d.gather(new int[] {1, 2}, 2, expectedRange, 0);
    assertThat(range.array()).containsExactly(expectedRange);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void rejectsSampleIndexOutOfRangeAndShortDestination(boolean gz) throws Exception {
    DatasetInfoAndData f = write(gz);
    ByteImageDataset d = IdxReader.read(f.images(), f.labels());
    assertThatThrownBy(() -> d.gather(new int[] {3}, 1, new float[6], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> d.gather(new int[] {0, 1}, 2, new float[11], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @ParameterizedTest(name = "gzipped={0}")
  @ValueSource(booleans = {false, true})
  void readRejectsTruncatedImages(boolean gz) throws Exception {
    byte[] images = TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 3, 2, 3, TestFiles.ramp(17));
    byte[] labels = TestFiles.idxLabels(IdxReader.LABELS_MAGIC, 3, 2, 0, 4);
    Path i = TestFiles.write(dir, "i", gz ? TestFiles.gzip(images) : images);
    Path l = TestFiles.write(dir, "l", labels);
    assertThatThrownBy(() -> IdxReader.read(i.toString(), l.toString()))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("3 images of 2x3")
        .extracting(e -> ((DatasetException) e).source()).isEqualTo(DatasetException.Source.PATH);
  }
}
