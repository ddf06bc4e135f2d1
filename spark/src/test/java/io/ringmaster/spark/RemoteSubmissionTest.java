package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.job.security.DevCertificateAuthority;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.worker.WorkerRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * the coordinator's workers fetched the uploaded data and trained on every row. Once against a loopback
 * coordinator without authentication, once against a secure one (TLS on every channel, client tokens).
 */
class RemoteSubmissionTest {
  private static final String TOKEN = "spark-driver-0123456789abcdef0123456789abcdef";
  private static final Pattern EPOCH = Pattern.compile("Epoch 1/1  train loss \\d+\\.\\d{4}  test loss \\d+\\.\\d{4}"
      + "  test acc (\\d+\\.\\d\\d)%");
  private static final Pattern SUBMITTED = Pattern.compile("Submitted job (\\S+) to ");

  @TempDir
  Path dir;

  @Test
  void uploadsTheDataSparkPreparedSubmitsTheJobAndFollowsItToItsEnd() throws Exception {
    writeParquet();
    try (CoordinatorServer coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("coordinator"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).build().start();
        WorkerRuntime a = worker(coordinator, "a", dir.resolve("worker-a"), null);
        WorkerRuntime b = worker(coordinator, "b", dir.resolve("worker-b"), null)) {
      String target = "127.0.0.1:" + coordinator.port();
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int code = submit(new RemoteCoordinator(target, TransportSecurity.plaintext(), false, Optional::empty), printed);
      String out = printed.toString(StandardCharsets.UTF_8);

      assertThat(code).as(out).isZero();
      assertTrainedEveryRow(coordinator, target, out);
    }
  }

  /**
   * A coordinator as {@code ringmaster coordinator} runs by default: TLS (its workers present client
   * certificates) and client tokens. The driver without a token is refused before Spark writes anything, in
   * words that say where the token goes; with the token, over TLS checked against the CA, the job trains and
   * belongs to the token's tenant.
   */
  @Test
  void aSecureCoordinatorNeedsTheTokenOverTlsAndTheTokensTenantOwnsTheJob() throws Exception {
    writeParquet();
    DevCertificateAuthority ca = DevCertificateAuthority.create("spark test CA", Duration.ofDays(1), Clock.systemUTC());
    Path certs = dir.resolve("certs");
    Path caFile = ca.write(certs);
    TokenTable tokens = new TokenTable(List.of(new TokenTable.Entry("spark-ci", "team-spark", Role.SUBMIT,
        TokenTable.sha256(TOKEN))), Map.of());
    try (TransportSecurity coordinatorTls = identity(ca, certs, caFile, "coordinator");
        TransportSecurity workerTls = identity(ca, certs, caFile, "worker");
        TransportSecurity driverTls = TransportSecurity.of(TlsFiles.trustOnly(caFile));
        CoordinatorServer coordinator = CoordinatorServer.builder().host("127.0.0.1").port(0)
            .dataDir(dir.resolve("coordinator")).scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
            .security(coordinatorTls).clientTokens(tokens).build().start();
        WorkerRuntime a = worker(coordinator, "a", dir.resolve("worker-a"), workerTls);
        WorkerRuntime b = worker(coordinator, "b", dir.resolve("worker-b"), workerTls)) {
      String target = "127.0.0.1:" + coordinator.port();

      ByteArrayOutputStream refused = new ByteArrayOutputStream();
      boolean reachable = new RemoteSubmission(new RemoteCoordinator(target, driverTls, false, Optional::empty),
          new PrintStream(refused, true, StandardCharsets.UTF_8)).reachable();
      assertThat(reachable).isFalse();
      assertThat(refused.toString(StandardCharsets.UTF_8)).as("no token: refused, saying where a token goes")
          .contains("refused: UNAUTHENTICATED", "sent no client token", "RINGMASTER_TOKEN",
              "spark.kubernetes.driverEnv.RINGMASTER_TOKEN")
          .doesNotContain(TOKEN);

      ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
      assertThat(new RemoteSubmission(new RemoteCoordinator(target, TransportSecurity.plaintext(), false,
          () -> Optional.of(TOKEN)), new PrintStream(plaintext, true, StandardCharsets.UTF_8)).reachable())
          .as("a plaintext driver cannot talk to a TLS coordinator").isFalse();
      assertThat(plaintext.toString(StandardCharsets.UTF_8)).contains("refused: UNAVAILABLE", "--tls-ca")
          .doesNotContain(TOKEN);

      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      RemoteCoordinator secure = new RemoteCoordinator(target, driverTls, false, () -> Optional.of(TOKEN));
      assertThat(new RemoteSubmission(secure, new PrintStream(printed, true, StandardCharsets.UTF_8)).reachable())
          .isTrue();
      int code = submit(secure, printed);
      String out = printed.toString(StandardCharsets.UTF_8);

      assertThat(code).as(out).isZero();
      Job job = assertTrainedEveryRow(coordinator, target, out);
      assertThat(job.getTenant()).as("the token's tenant owns the job").isEqualTo("team-spark");
      assertThat(out).doesNotContain(TOKEN);
    }
  }

  private void writeParquet() throws Exception {
    FashionParquet.write(FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 600),
        dir.resolve("train.parquet"));
    FashionParquet.write(FashionParquet.read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 200),
        dir.resolve("test.parquet"));
  }

  /** {@code --coordinator target} through {@link RemoteSubmission} on the shared SparkContext; its exit code. */
  private int submit(RemoteCoordinator to, ByteArrayOutputStream printed) throws Exception {
    RingmasterSparkMain main = new RingmasterSparkMain();
    new CommandLine(main).parseArgs("--train", dir.resolve("train.parquet").toString(), "--test",
        dir.resolve("test.parquet").toString(), "--workers", "2", "--epochs", "1", "--batch", "64",
        "--coordinator", to.target(), "--output", dir.resolve("out").toString());
    RingmasterSparkMain.Request request = main.request();
    SparkSession spark = LocalSpark.session();
    return new RemoteSubmission(to, new PrintStream(printed, true, StandardCharsets.UTF_8)).run(request,
        TrainingFrames.read(spark, request.train()), TrainingFrames.read(spark, request.test()), 784,
        dir.resolve("upload"));
  }

  private static TransportSecurity identity(DevCertificateAuthority ca, Path certs, Path caFile, String name)
      throws Exception {
    Path cert = ca.issue(name, List.of("127.0.0.1"), Duration.ofDays(1)).write(certs, name);
    return TransportSecurity.of(TlsFiles.of(cert, certs.resolve(name + "-key.pem"), caFile));
  }

  private static Job assertTrainedEveryRow(CoordinatorServer coordinator, String target, String out) {
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
    return job;
  }

  /** A free worker started by hand; over TLS it proves itself with its client certificate. */
  private static WorkerRuntime worker(CoordinatorServer coordinator, String id, Path dataDir, TransportSecurity tls)
      throws java.io.IOException {
    return new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + coordinator.port(), "127.0.0.1", 0, "", id, -1, "",
        dataDir, WorkerRuntime.Config.DEFAULT_CACHE_MAX_BYTES, tls == null ? null
            : new WorkerRuntime.Security(tls, "", false))).start();
  }
}
