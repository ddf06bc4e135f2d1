package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.worker.WorkerRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --coordinator HOST:PORT} against an in-process coordinator with two in-process workers (started by
 * hand, {@code --scheduler external}), on the shared {@link LocalSpark} context: Spark reads the Parquet files,
 * the driver writes and uploads them as stored datasets, the job is submitted there and followed to its end;
 * the coordinator's workers fetched the uploaded data and trained on every row.
 */
class RemoteSubmissionTest {
  private static final Pattern EPOCH = Pattern.compile("Epoch 1/1  train loss \\d+\\.\\d{4}  test loss \\d+\\.\\d{4}"
      + "  test acc (\\d+\\.\\d\\d)%");
  private static final Pattern SUBMITTED = Pattern.compile("Submitted job (\\S+) to ");

  @TempDir
  Path dir;

  @Test
  void uploadsTheDataSparkPreparedSubmitsTheJobAndFollowsItToItsEnd() throws Exception {
    FashionParquet.write(FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 600),
        dir.resolve("train.parquet"));
    FashionParquet.write(FashionParquet.read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 200),
        dir.resolve("test.parquet"));
    try (CoordinatorServer coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("coordinator"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).build().start();
        WorkerRuntime a = worker(coordinator, "a", dir.resolve("worker-a"));
        WorkerRuntime b = worker(coordinator, "b", dir.resolve("worker-b"))) {
      String target = "127.0.0.1:" + coordinator.port();
      RingmasterSparkMain main = new RingmasterSparkMain();
      new CommandLine(main).parseArgs("--train", dir.resolve("train.parquet").toString(), "--test",
          dir.resolve("test.parquet").toString(), "--workers", "2", "--epochs", "1", "--batch", "64",
          "--coordinator", target, "--output", dir.resolve("out").toString());
      RingmasterSparkMain.Request request = main.request();
      SparkSession spark = LocalSpark.session();
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int code = new RemoteSubmission(target, new PrintStream(printed, true, StandardCharsets.UTF_8)).run(request,
          TrainingFrames.read(spark, request.train()), TrainingFrames.read(spark, request.test()), 784,
          dir.resolve("upload"));
      String out = printed.toString(StandardCharsets.UTF_8);

      assertThat(code).as(out).isZero();
      assertThat(out).contains("Uploaded 600 rows of", "Uploaded 200 rows of", "succeeded on " + target);
      Matcher submitted = SUBMITTED.matcher(out);
      assertThat(submitted.find()).as(out).isTrue();
      Job job = coordinator.jobs().get(submitted.group(1)).orElseThrow();
      assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(job.getSpec().getData().getTrain().getDataset()).as("trained on the uploaded dataset").isNotEmpty();
      assertThat(job.getSpec().getData().getTrain().getPath()).isEmpty();
      assertThat(job.getEpochs(0).getSamples()).as("every training row once").isEqualTo(600);
      assertThat(job.getEpochs(0).getTestSamples()).isEqualTo(200);
      assertThat(job.getEpochs(0).getWorkers()).isEqualTo(2);
      Matcher epoch = EPOCH.matcher(out);
      assertThat(epoch.find()).as(out).isTrue();
      assertThat(Double.parseDouble(epoch.group(1)) / 100).isEqualTo(job.getEpochs(0).getTestAccuracy(),
          org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  private static WorkerRuntime worker(CoordinatorServer coordinator, String id, Path dataDir)
      throws java.io.IOException {
    return new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + coordinator.port(), "127.0.0.1", 0, "", id, -1, "",
        dataDir, WorkerRuntime.Config.DEFAULT_CACHE_MAX_BYTES)).start();
  }
}
