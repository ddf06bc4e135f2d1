package io.ringmaster.job.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  private static final String CSV = """
      a,"label", b ,c
      0.5,1,2,-3e2

      1.25, 3 ,4.5,6
      "7",0,8,9
      """;

  @Test
  void labelColumnAnywhereOtherColumnsAreFeaturesInOrder() throws Exception {
    Path p = TestFiles.write(dir, "d.csv", CSV);
    FloatDataset d = CsvReader.read(p.toString(), "label");

    assertThat(d.info()).isEqualTo(new DatasetInfo(3, 1, 1, 3, 4));
    assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(1, 3, 0);
    float[] out = new float[9];
    d.gather(new int[] {0, 1, 2}, 3, out, 0);
    assertThat(out).containsExactly(0.5f, 2f, -300f, 1.25f, 4.5f, 6f, 7f, 8f, 9f);

    FloatBuffer buf = FloatBuffer.allocate(6);
    d.gatherRange(1, 2, buf, 0);
    assertThat(buf.array()).containsExactly(1.25f, 4.5f, 6f, 7f, 8f, 9f);
  }

  @Test
  void gzippedCsvIsDetectedByContent() throws Exception {
    Path p = TestFiles.write(dir, "d.csv", TestFiles.gzip(CSV.getBytes(StandardCharsets.UTF_8)));
    assertThat(CsvReader.read(p.toString(), "label").info()).isEqualTo(new DatasetInfo(3, 1, 1, 3, 4));
  }

  @Test
  void customLabelColumnAndIntegralFloatLabels() throws Exception {
    Path p = TestFiles.write(dir, "d.csv", "x,y,cls\r\n1,2,5.0\r\n3,4,2\r\n");
    FloatDataset d = CsvReader.read(p.toString(), "cls");
    assertThat(d.info()).isEqualTo(new DatasetInfo(2, 1, 1, 2, 6));
    assertThat(d.label(0)).isEqualTo(5);
  }

  @Test
  void probeMatchesReadWithoutKeepingFeatures() throws Exception {
    Path p = TestFiles.write(dir, "d.csv", CSV);
    assertThat(CsvReader.probe(p.toString(), "label")).isEqualTo(CsvReader.read(p.toString(), "label").info());
  }

  @Test
  void bomBeforeHeaderIsIgnored() throws Exception {
    Path p = TestFiles.write(dir, "d.csv", "\uFEFFlabel,x\n1,2\n");
    assertThat(CsvReader.read(p.toString(), null).info()).isEqualTo(new DatasetInfo(1, 1, 1, 1, 2));
  }
}
