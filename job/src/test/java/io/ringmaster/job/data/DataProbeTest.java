package io.ringmaster.job.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken files -> the violations the coordinator reports. */
class DataProbeTest {
  static final int IMG = IdxReader.IMAGES_MAGIC;
  static final int LAB = IdxReader.LABELS_MAGIC;

  @TempDir Path dir;

  /** Creates the files of one case in a directory and returns the reference to probe. */
  @FunctionalInterface
  interface Setup {
    DatasetRef in(Path dir) throws Exception;
  }

  /** A good 3 x 2x2 images file. */
  static byte[] images3() throws Exception {
    return TestFiles.idxImages(IMG, 3, 2, 2, TestFiles.ramp(12));
  }

  static byte[] labels(int n) throws Exception {
    int[] l = new int[n];
    Arrays.fill(l, 1);
    return TestFiles.idxLabels(LAB, n, l);
  }

  static DatasetRef idx(Path dir, byte[] images, byte[] labels) throws Exception {
    return DatasetRef.idx(TestFiles.write(dir, "images", images).toString(),
        TestFiles.write(dir, "labels", labels).toString());
  }

  static DatasetRef csv(Path dir, String text) throws Exception {
    return DatasetRef.csv(TestFiles.write(dir, "d.csv", text).toString(), "label");
  }

  static Arguments row(String name, Setup setup, String field, String... fragments) {
    return Arguments.of(name, setup, field, fragments);
  }

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        row("images file missing", d -> DatasetRef.idx(d + "/x/y.gz",
                TestFiles.write(d, "l", labels(3)).toString()),
            "spec.data.train.path", "no such file ", "/x/y.gz"),
        row("labels file missing", d -> DatasetRef.idx(TestFiles.write(d, "i", images3()).toString(),
                d + "/nope-labels.gz"),
            "spec.data.train.labels", "no such file ", "nope-labels.gz"),
        row("images path is a directory", d -> DatasetRef.idx(d.toString(),
                TestFiles.write(d, "l", labels(3)).toString()),
            "spec.data.train.path", "is a directory"),
        row("labels file given as images", d -> idx(d, labels(3), labels(3)),
            "spec.data.train.path", "not an IDX images file (it does not start with the IDX images magic number 0x00000803)",
            "are path and labels swapped?"),
        row("images file given as labels", d -> idx(d, images3(), images3()),
            "spec.data.train.labels", "not an IDX labels file (it does not start with the IDX labels magic number 0x00000801)"),
        row("fewer labels than images", d -> idx(d, images3(), labels(2)),
            "spec.data.train.labels", "2 labels but 3 images in "),
        row("images truncated (plain)",
            d -> idx(d, TestFiles.idxImages(IMG, 3, 2, 2, TestFiles.ramp(11)), labels(3)),
            "spec.data.train.path", "truncated", "3 images of 2x2", "27 bytes"),
        row("images truncated (gzip of a short file)",
            d -> idx(d, TestFiles.gzip(TestFiles.idxImages(IMG, 3, 2, 2, TestFiles.ramp(11))), labels(3)),
            "spec.data.train.path", "truncated", "3 images of 2x2"),
        row("gzip stream cut off", d -> {
              byte[] gz = TestFiles.gzip(TestFiles.idxImages(IMG, 300, 20, 20, TestFiles.ramp(120_000)));
              return idx(d, Arrays.copyOf(gz, gz.length / 2), labels(300));
            },
            "spec.data.train.path", "truncated"),
        row("bytes after the last image",
            d -> idx(d, TestFiles.idxImages(IMG, 3, 2, 2, TestFiles.ramp(13)), labels(3)),
            "spec.data.train.path", "holds 29 bytes but the header announces 3 images of 2x2"),
        row("shorter than a header", d -> idx(d, new byte[] {0, 0, 8, 3, 0, 0}, labels(3)),
            "spec.data.train.path", "not an IDX images file: shorter than the 16-byte header"),
        row("float pixels", d -> idx(d, TestFiles.idxImages(0x00000D03, 3, 2, 2, new byte[48]), labels(3)),
            "spec.data.train.path", "only unsigned bytes (type 0x08)", "another element type"),
        row("zero images", d -> idx(d, TestFiles.idxImages(IMG, 0, 2, 2, new byte[0]), labels(3)),
            "spec.data.train.path", "announces 0 images of 2x2", "at least 1"),
        row("labels truncated", d -> idx(d, images3(), TestFiles.idxLabels(LAB, 3, 1, 1)),
            "spec.data.train.labels", "truncated: the header announces 3 labels but the file holds 2"),
        row("csv: not a number", d -> csv(d, "label,pixel1,pixel2,pixel3\n1,2,3,4\n0,5,6,abc\n"),
            "spec.data.train.path", "line 3, column 4: the value is not a number"),
        row("csv: not finite", d -> csv(d, "label,x\n1,NaN\n"),
            "spec.data.train.path", "line 2, column 2: the value is not a finite number"),
        row("csv: no label column", d -> csv(d, "a,b,c\n1,2,3\n"),
            "spec.data.train.labelColumn", "no column 'label' in the header of", "(3 columns)"),
        row("csv: duplicate label column", d -> csv(d, "label,a,label\n1,2,3\n"),
            "spec.data.train.labelColumn", "appears 2 times"),
        row("csv: short row", d -> csv(d, "label,a,b\n1,2,3\n1,2\n"),
            "spec.data.train.path", "line 3: 2 values but the header has 3 columns"),
        row("csv: negative label", d -> csv(d, "label,a\n-1,2\n"),
            "spec.data.train.path", "line 2, column 1: the value is not a class id"),
        row("csv: fractional label", d -> csv(d, "a,label\n1,2.5\n"),
            "spec.data.train.path", "line 2, column 2: the value is not a class id"),
        row("csv: empty file", d -> csv(d, "\n\n"), "spec.data.train.path", "is empty"),
        row("csv: header only", d -> csv(d, "label,a\n"), "spec.data.train.path", "no data rows"),
        row("csv: label column only", d -> csv(d, "label\n1\n"), "spec.data.train.path", "no feature columns"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void brokenFileGivesOneViolationOnTheRightField(String name, Setup setup, String field, String[] fragments)
      throws Exception {
    DatasetRef ref = setup.in(Files.createDirectories(dir.resolve("case")));
    ProbeResult r = DataProbe.probe("spec.data.train", ref);

    assertThat(r.isOk()).isFalse();
    assertThat(r.info()).isNull();
    assertThat(r.violations()).hasSize(1);
    Violation v = r.violations().get(0);
    assertThat(v.field()).isEqualTo(field);
    for (String f : fragments) {
      assertThat(v.message()).contains(f);
    }
  }

  /** Issue #10, defect 1: a file the caller may not read must not come back quoted in an error. */
  static Stream<Arguments> filesWithSecrets() {
    return Stream.of(
        Arguments.of("system file as CSV (its first line)", "root:x:0:0:SECRET-HEADER:/root:/bin/bash\n"
            + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "SECRET-HEADER"),
        Arguments.of("CSV whose value is not a number", "label,SECRET-COLUMN\n1,SECRET-VALUE\n", "SECRET"),
        Arguments.of("text file read as IDX (its first bytes as magic)", "SECRETS-FIRST-BYTES\n", "5345"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filesWithSecrets")
  void errorsNeverQuoteTheFilesContent(String name, String content, String secret) throws Exception {
    Path f = Files.writeString(Files.createDirectories(dir.resolve("secret")).resolve(
        name.contains("IDX") ? "data.idx" : "data.csv"), content);
    DatasetRef ref = name.contains("IDX") ? DatasetRef.idx(f.toString(), f.toString())
        : DatasetRef.csv(f.toString(), "label");
    ProbeResult r = DataProbe.probe("spec.data.train", ref);
    assertThat(r.violations()).isNotEmpty();
    assertThat(r.violations()).allSatisfy(v -> {
      assertThat(v.message()).doesNotContain(secret);
      assertThat(v.message()).doesNotContain("SECRET");
    });
  }

  @Test
  void bothIdxFilesBrokenAreReportedTogether() {
    ProbeResult r = DataProbe.probe("spec.data.test", DatasetRef.idx(dir + "/a", dir + "/b"));
    assertThat(r.violations()).extracting(Violation::field)
        .containsExactly("spec.data.test.path", "spec.data.test.labels");
  }

  @Test
  void goodFilesGiveTheShape() throws Exception {
    ProbeResult r = DataProbe.probe("spec.data.train",
        idx(dir, TestFiles.gzip(images3()), TestFiles.idxLabels(LAB, 3, 0, 6, 2)));
    assertThat(r.isOk()).isTrue();
    assertThat(r.info()).isEqualTo(new DatasetInfo(3, 1, 2, 2, 7));
  }

  @Test
  void compatibilityNeedsSameFeatureCountAndNoUnknownTestClass() {
    DatasetInfo train = new DatasetInfo(60_000, 1, 28, 28, 10);
    assertThat(DataProbe.checkCompatible("spec.data.test", train, new DatasetInfo(10, 1, 1, 784, 10))).isEmpty();
    assertThat(DataProbe.checkCompatible("spec.data.test", train, new DatasetInfo(10, 1, 1, 785, 12)))
        .extracting(Violation::toString)
        .containsExactly(
            "spec.data.test: 785 features per sample (1x1x785) but the training set has 784 (1x28x28);"
                + " give a test set with the same columns or image size",
            "spec.data.test: labels go up to 11 but the training labels only to 9: the model has 10 outputs,"
                + " one per training class");
  }

  @Test
  void missingReferenceIsAViolation() {
    assertThat(DataProbe.probe("spec.data.test", null).violations())
        .containsExactly(new Violation("spec.data.test", "missing: give path (and labels for IDX)"));
  }

  @Test
  void loaderReportsTheSameProblemsAsExceptions() throws Exception {
    DatasetRef ref = idx(dir, images3(), labels(2));
    try {
      DatasetLoader.load(ref);
    } catch (DatasetException e) {
      assertThat(e.source()).isEqualTo(DatasetException.Source.LABELS);
      assertThat(e.getMessage()).contains("2 labels but 3 images");
      return;
    }
    throw new AssertionError("expected a DatasetException");
  }

}
