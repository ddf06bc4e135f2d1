package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The application through the real {@code SparkSubmit} main, {@code --master local[2]}, on Parquet files
 * written from Fashion-MNIST: two workers as one barrier stage train two epochs, over TLS on every channel (the
 * application jar's own PEM reading; the CA file shipped with {@code --files}); the driver's log has each
 * epoch's metrics and counts, and the saved model classifies the test set as well as the log says; a task
 * failed mid-epoch relaunches the stage, which resumes from the newest checkpoint; the slot check fails
 * before Spark starts.
 */
class RingmasterSparkSubmitIT {
  private static final int TRAIN = 3000;
  private static final int TEST = 1000;
  private static final Pattern EPOCH = Pattern.compile(
      "Epoch (\\d)/2  train loss (\\d+\\.\\d{4})  test loss (\\d+\\.\\d{4})  test acc (\\d+\\.\\d\\d)%  .* samples/s  2 workers");
  private static final Pattern COUNTS = Pattern.compile("Epoch (\\d)/2  samples ([\\d,]+) train / ([\\d,]+) test in (\\d+) steps");

  @TempDir
  static Path dir;
  static FashionParquet.Samples test;

  @BeforeAll
  static void writeData() throws Exception {
    FashionParquet.write(FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", TRAIN),
        dir.resolve("train.parquet"));
    test = FashionParquet.read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", TEST);
    FashionParquet.write(test, dir.resolve("test.parquet"));
  }

  private static List<String> appArgs(int workers, Path output) {
    return List.of("--train", dir.resolve("train.parquet").toString(), "--test", dir.resolve("test.parquet").toString(),
        "--format", "parquet", "--model", "mlp", "--workers", Integer.toString(workers), "--epochs", "2",
        "--batch", "64", "--output", output.toString());
  }

  @Test
  void trainsAsOneBarrierStageOverTlsAndSavesTheModel() throws Exception {
    Path out = dir.resolve("out");
    Path certs = dir.resolve("certs");
    var ca = io.ringmaster.job.security.DevCertificateAuthority.create("spark-submit test CA",
        java.time.Duration.ofDays(1), java.time.Clock.systemUTC());
    Path caFile = ca.write(certs);
    Path cert = ca.issue("spark", List.of("127.0.0.1"), java.time.Duration.ofDays(1)).write(certs, "spark");
    List<String> args = new ArrayList<>(appArgs(2, out));
    // certificate and key by path; the CA by name only: the copy Spark ships with --files (SparkFiles)
    args.addAll(List.of("--tls-cert", cert.toString(), "--tls-key", certs.resolve("spark-key.pem").toString(),
        "--tls-ca", "ca.pem"));
    var r = SparkSubmitRun.run(dir.resolve("submit.log"), List.of("--master", "local[2]", "--files", caFile.toString()),
        args, 6);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).as("the embedded coordinator serves TLS").containsPattern("coordinator listening on"
        + " 127\\.0\\.0\\.1:\\d+ .*TLS \\(certificate " + Pattern.quote(cert.toString()));

    List<Double> accuracies = new ArrayList<>();
    Matcher m = EPOCH.matcher(r.output());
    while (m.find()) {
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(accuracies.size() + 1);
      assertThat(Double.parseDouble(m.group(2))).isBetween(0.0, 3.0);
      accuracies.add(Double.parseDouble(m.group(4)) / 100);
    }
    assertThat(accuracies).as(r.output()).hasSize(2);
    Matcher c = COUNTS.matcher(r.output());
    int epochs = 0;
    while (c.find()) {
      epochs++;
      assertThat(c.group(2).replace(",", "")).as("every training row once per epoch").isEqualTo(Integer.toString(TRAIN));
      assertThat(c.group(3).replace(",", "")).as("every test row once").isEqualTo(Integer.toString(TEST));
      assertThat(Integer.parseInt(c.group(4))).isEqualTo((TRAIN + 63) / 64);
    }
    assertThat(epochs).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("barrier").containsPattern("partition 0: \\d+ train rows")
        .containsPattern("partition 1: \\d+ train rows");

    Path model = out.resolve("model.zip");
    assertThat(model).isRegularFile();
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true);
    double accuracy = accuracy(net);
    assertThat(accuracy).as("the saved model's test accuracy").isGreaterThan(0.65)
        .isCloseTo(accuracies.get(1), org.assertj.core.data.Offset.offset(0.002));
  }

  @Test
  void aFailedTaskRelaunchesTheStageWhichResumesFromTheNewestCheckpoint() throws Exception {
    Path out = dir.resolve("out-relaunch");
    List<String> app = new ArrayList<>(appArgs(2, out));
    app.addAll(List.of("--checkpoint-every-steps", "5"));
    // local[2,4]: up to 4 failures per task, so Spark relaunches the barrier stage instead of giving up
    var r = SparkSubmitRun.run(dir.resolve("relaunch.log"), List.of("--master", "local[2,4]", "--conf",
        TaskFault.CONF + "=1:2:12"), app, 6);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("injected failure at epoch 2")
        .containsPattern("partition 1 of 2 \\(stage attempt 1")
        .containsPattern("resuming from checkpoint \\S+ at epoch 2 step [1-9]")
        .doesNotContain("resuming from the start");
    Matcher c = COUNTS.matcher(r.output());
    int epochs = 0;
    while (c.find()) {
      epochs++;
      assertThat(c.group(2).replace(",", "")).as("every training row once per epoch, resumed or not")
          .isEqualTo(Integer.toString(TRAIN));
    }
    assertThat(epochs).as(r.output()).isEqualTo(2);
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile(), true);
    assertThat(accuracy(net)).isGreaterThan(0.65);
  }

  @Test
  void moreWorkersThanSlotsIsAClearErrorNotAHang() throws Exception {
    var r = SparkSubmitRun.run(dir.resolve("slots.log"), List.of("--master", "local[2]"), appArgs(3, dir.resolve("o3")), 2);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("--workers 3 needs 3 concurrent task slots")
        .contains("--master local[2]").contains("has 2");
  }

  private static double accuracy(MultiLayerNetwork net) {
    int n = test.labels().length;
    INDArray x = Nd4j.create(test.features());
    INDArray predicted = net.output(x).argMax(1);
    int correct = 0;
    for (int i = 0; i < n; i++) {
      if (predicted.getInt(i) == test.labels()[i]) {
        correct++;
      }
    }
    return (double) correct / n;
  }
}
