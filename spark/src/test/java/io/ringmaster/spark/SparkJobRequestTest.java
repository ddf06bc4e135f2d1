package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code ringmaster-spark}'s command line asks for, from a job file or from flags, without Spark. */
class SparkJobRequestTest {
  @TempDir
  Path dir;

  private static RingmasterSparkMain.Request request(String... args) throws Exception {
    RingmasterSparkMain main = new RingmasterSparkMain();
    new CommandLine(main).parseArgs(args);
    return main.request();
  }

  @Test
  void aJobFileGivesTheModelHyperParametersAndDataSparkReads() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, """
        name: fm
        model: {architecture: lenet}
        data:
          train: {path: data/train-images.idx, labels: data/train-labels.idx}
          test: {path: hdfs://nn:8020/fm/test.parquet, labelColumn: y}
        epochs: 4
        batchSize: 96
        updater: {type: nesterov, learningRate: 0.01}
        seed: 5
        workers: 3
        faultTolerance: {checkpointEverySteps: 20}
        """);
    var r = request("--job", job.toString(), "--output", dir.resolve("out").toString());
    assertThat(r.train()).isEqualTo(new DataSource("idx", dir.resolve("data/train-images.idx").toString(),
        dir.resolve("data/train-labels.idx").toString(), "label"));
    assertThat(r.test()).as("a URI is not resolved against the job file's directory")
        .isEqualTo(new DataSource("parquet", "hdfs://nn:8020/fm/test.parquet", null, "y"));
    assertThat(r.spec().name()).isEqualTo("fm");
    assertThat(r.spec().model()).isInstanceOf(ModelSpec.Builtin.class);
    assertThat(((ModelSpec.Builtin) r.spec().model()).architecture()).isEqualTo("lenet");
    assertThat(r.spec().epochs()).isEqualTo(4);
    assertThat(r.spec().batchSize()).isEqualTo(96);
    assertThat(r.spec().updater().type()).isEqualTo(UpdaterSpec.Type.NESTEROV);
    assertThat(r.spec().seed()).isEqualTo(5L);
    assertThat(r.spec().workers()).isEqualTo(3);
    assertThat(r.spec().faultTolerance().minWorkers()).as("every partition needs its worker").isEqualTo(3);
    assertThat(r.spec().faultTolerance().maxWorkers()).isEqualTo(6);
    assertThat(r.spec().faultTolerance().checkpointEverySteps()).isEqualTo(20);
  }

  @Test
  void flagsNeedTheirDataAndWorkersAndIdxNeedsLabels() throws Exception {
    var r = request("--train", "a.idx", "--train-labels", "a-labels.idx", "--test", "b.idx", "--test-labels",
        "b-labels.idx", "--format", "idx", "--workers", "2", "--output", "out");
    assertThat(r.train().labelsPath()).isEqualTo("a-labels.idx");
    assertThat(r.spec().workers()).isEqualTo(2);
    assertThatThrownBy(() -> request("--train", "a.parquet", "--output", "out"))
        .hasMessageContaining("missing --test, --workers").hasMessageContaining("--job");
    assertThatThrownBy(() -> request("--train", "a.idx", "--test", "b.idx", "--format", "idx", "--workers", "2",
        "--output", "out")).hasMessageContaining("labels file");
  }
}
