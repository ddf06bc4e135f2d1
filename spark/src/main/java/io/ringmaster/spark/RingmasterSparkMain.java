package io.ringmaster.spark;

import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.security.ClientToken;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class io.ringmaster.spark.RingmasterSparkMain ringmaster-spark.jar --train <path>
 * --test <path> --format parquet|csv|libsvm|idx --model mlp|lenet|<DL4J JSON file> --workers N --epochs E
 * --batch B --output <dir>}, or {@code --job job.yaml --output <dir>} (a job file as the core uses, its data
 * paths read by Spark): trains on Ringmaster inside Spark (see the package documentation for how).
 *
 * <p>Exit codes: 0 the job succeeded (model in {@code <output>/model.zip}); 1 it failed; 2 the command line,
 * data or Spark configuration cannot run (the message says what to change).
 */
@Command(name = "ringmaster-spark", mixinStandardHelpOptions = true,
    description = "Trains a DL4J model with Ringmaster's ring all-reduce as one Spark barrier stage.")
public final class RingmasterSparkMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RingmasterSparkMain.class);

  @Option(names = "--job", description = "a job file as the core uses (model, data, epochs, batchSize, updater, seed,"
      + " workers, faultTolerance.checkpointEverySteps), its data paths read by Spark; replaces --train, --test,"
      + " --model, --workers, --epochs, --batch, --updater, --learning-rate, --seed")
  Path job;

  @Option(names = "--train", description = "training data (a path Spark can read; idx: the images file)")
  String train;

  @Option(names = "--train-labels", description = "idx only: the training labels file")
  String trainLabels;

  @Option(names = "--test", description = "test data (a path Spark can read; idx: the images file)")
  String test;

  @Option(names = "--test-labels", description = "idx only: the test labels file")
  String testLabels;

  @Option(names = "--format", description = "parquet, csv, libsvm or idx (default parquet; with --job inferred from"
      + " each path: a labels file means idx, *.parquet parquet, *.libsvm/*.svm libsvm, else csv)")
  String format;

  @Option(names = "--label-column", defaultValue = "label", description = "the label column (default label)")
  String labelColumn;

  @Option(names = "--model", defaultValue = "mlp", description = "mlp, lenet, or a DL4J JSON configuration file")
  String model;

  @Option(names = "--workers", description = "workers = barrier tasks = partitions")
  Integer workers;

  @Option(names = "--epochs", defaultValue = "1")
  int epochs;

  @Option(names = "--batch", defaultValue = "128", description = "global batch size (the sum of the local ones)")
  int batch;

  @Option(names = "--updater", defaultValue = "adam", description = "sgd, nesterov or adam (default adam)")
  String updater;

  @Option(names = "--learning-rate", defaultValue = "0.001")
  double learningRate;

  @Option(names = "--checkpoint-every-steps", defaultValue = "0",
      description = "rank 0 checkpoints every this many steps as well as after each epoch (0: after each epoch only);"
          + " a relaunched stage resumes from the newest checkpoint")
  int checkpointEverySteps;

  @Option(names = "--seed", description = "seed of the initial weights and of the shuffles")
  Long seed;

  @Option(names = "--output", required = true, description = "directory for model.zip and the coordinator's files")
  Path output;

  @Option(names = "--coordinator", description = "HOST:PORT of a running Ringmaster coordinator: Spark prepares the"
      + " data, which is uploaded to it (its DatasetService), and the job is submitted there and followed to its end"
      + " instead of training inside Spark")
  String coordinator;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "Use TLS: the CA bundle (PEM) certificates must chain"
      + " to. With --coordinator, the running coordinator's certificate (which must also name its host); inside"
      + " Spark, the embedded coordinator's and the workers' (default: $" + TlsFiles.ENV_CA + ")")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "A certificate chain (PEM) to present. With"
      + " --coordinator optional (a client certificate); inside Spark required with --tls-ca: the embedded"
      + " coordinator's and the workers' certificate, naming the driver's host (default: $" + TlsFiles.ENV_CERT + ")")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PEM, unencrypted;"
      + " default: $" + TlsFiles.ENV_KEY + ")")
  Path tlsKey;

  @Option(names = "--insecure", description = "Plaintext beyond loopback, on purpose: with --coordinator, to a"
      + " coordinator that is not on loopback; inside Spark on a cluster, the embedded coordinator and the"
      + " workers (anyone on the network can read and alter what is sent)")
  boolean insecure;

  @Option(names = "--timeout-minutes", defaultValue = "1440", description = "give up on the job after this long")
  long timeoutMinutes;

  /**
   * The coordinator's defaults, but a worker whose stream ended is declared lost after 1 s instead of 3 s:
   * tasks are threads, there is no process exit code to wait for.
   */
  static final JobSettings SPARK_SETTINGS = new JobSettings(JobSettings.DEFAULTS.maxConcurrentJobs(),
      JobSettings.DEFAULTS.maxQueuedJobs(), JobSettings.DEFAULTS.maxWorkersPerJob(),
      JobSettings.DEFAULTS.heartbeatInterval(), JobSettings.DEFAULTS.heartbeatTimeout(),
      JobSettings.DEFAULTS.workerStartTimeout(), java.time.Duration.ofSeconds(1));

  public static void main(String[] args) {
    int code = new CommandLine(new RingmasterSparkMain()).execute(args);
    // exit explicitly: ND4J's and gRPC's pools keep non-daemon threads that would hold the driver JVM open
    // after the SparkContext has stopped
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    Request parsed;
    try {
      parsed = request();
    } catch (IllegalArgumentException | InvalidSpecException e) {
      System.err.println("ringmaster-spark: " + e.getMessage());
      return 2;
    }
    TransportSecurity security;
    try {
      // with --coordinator the options secure the driver's channel to it; inside Spark they secure the
      // application's own channels, opened once Spark can say where the files are (SparkTls)
      security = coordinator != null ? TransportSecurity.of(tlsFiles(false)) : TransportSecurity.plaintext();
      sparkTls();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("ringmaster-spark: " + e.getMessage());
      return 2;
    }
    try (security) {
      return call(parsed, security);
    }
  }

  private int call(Request parsed, TransportSecurity security) throws Exception {
    RemoteSubmission remote = null;
    if (coordinator != null) {
      remote = new RemoteSubmission(RemoteCoordinator.of(coordinator, security, insecure), System.out);
      try {
        if (!remote.reachable()) {
          return 1;
        }
      } catch (ExposureCheck.InsecureExposureException | ClientToken.BadTokenSourceException e) {
        System.err.println("ringmaster-spark: " + e.getMessage());
        return 2;
      }
    }
    SparkConf conf = new SparkConf();
    List<String> problems = coordinator != null ? List.of() // no barrier stage: the coordinator's workers train
        : SparkPreflight.problems(k -> conf.contains(k) ? Optional.of(conf.get(k)) : Optional.empty(),
            parsed.spec().workers(), Runtime.getRuntime().availableProcessors());
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("ringmaster-spark: " + p));
      return 2;
    }
    SparkSession.Builder builder = SparkSession.builder().appName("ringmaster");
    if (!conf.contains(SparkPreflight.SLOTS_CHECK_FAILURES)) {
      builder.config(SparkPreflight.SLOTS_CHECK_FAILURES, "3"); // Spark's 40 x 15 s looks like a hang
    }
    SparkSession spark = builder.getOrCreate();
    try {
      return train(spark, parsed, remote);
    } finally {
      spark.stop();
    }
  }

  private int train(SparkSession spark, Request parsed, RemoteSubmission remote) throws Exception {
    TrainingFrames.Shapes shapes;
    Dataset<Row> union;
    JobSpec spec = parsed.spec();
    int workers = spec.workers();
    Dataset<Row> trainFrame;
    Dataset<Row> testFrame;
    try {
      trainFrame = TrainingFrames.read(spark, parsed.train());
      testFrame = TrainingFrames.read(spark, parsed.test());
      union = TrainingFrames.union(trainFrame, testFrame);
      shapes = TrainingFrames.shapes(union).withLayout(TrainingFrames.layout(parsed.train()));
    } catch (IllegalArgumentException e) {
      System.err.println("ringmaster-spark: " + e.getMessage());
      return 2;
    }
    log.info("training data: {} rows, test data: {} rows, {} features, {} classes", shapes.train().samples(),
        shapes.test().samples(), shapes.train().features(), shapes.train().classes());
    Files.createDirectories(output);
    if (remote != null) {
      return remote.run(parsed, trainFrame, testFrame, shapes.train().features(), output.resolve("upload"));
    }
    BarrierJob<Row> job = new BarrierJob<>(spec, shapes.train(), shapes.test(), union.repartition(workers).rdd(),
        TrainingFrames.reader(shapes.train().features()), null, 0,
        TaskFault.parse(spark.conf().get(TaskFault.CONF, "")));
    Job end;
    try {
      end = job.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), output.resolve("ringmaster"),
          Duration.ofMinutes(10), sparkTls());
    } catch (InvalidSpecException e) {
      System.err.println("ringmaster-spark: the job is not valid: " + e.getMessage());
      return 2;
    } catch (ExposureCheck.InsecureExposureException | IllegalArgumentException | java.io.UncheckedIOException e) {
      // a cluster without TLS or --insecure, or TLS files the driver cannot read
      System.err.println("ringmaster-spark: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      Optional<String> slots = SparkPreflight.explainSlots(e, workers);
      if (slots.isPresent()) {
        System.err.println("ringmaster-spark: " + slots.get());
        return 2;
      }
      throw e;
    }
    return finish(end);
  }

  private int finish(Job end) throws java.io.IOException {
    if (end.getState() != JobState.JOB_STATE_SUCCEEDED) {
      System.err.println("ringmaster-spark: job " + end.getId() + " " + io.ringmaster.job.JobState.shortName(end.getState()).toLowerCase(Locale.ROOT)
          + ": " + end.getMessage());
      return 1;
    }
    Path model = output.resolve("model.zip");
    Files.copy(Path.of(end.getModelPath()), model, StandardCopyOption.REPLACE_EXISTING);
    double acc = end.getEpochsCount() == 0 ? 0 : end.getEpochs(end.getEpochsCount() - 1).getTestAccuracy();
    log.info("Job {} succeeded: {} epochs, test accuracy {}; model saved to {}", end.getId(), end.getEpochsCount(),
        String.format(Locale.US, "%.2f%%", acc * 100), model.toAbsolutePath());
    return 0;
  }

  /**
   * The TLS files of {@code --tls-ca}, {@code --tls-cert}, {@code --tls-key} (or their environment variables);
   * null when none is given (plaintext).
   *
   * @param identityRequired the process serves TLS (inside Spark: the embedded coordinator and the workers)
   *     and so needs a certificate of its own
   */
  TlsFiles tlsFiles(boolean identityRequired) {
    return TlsFiles.fromOptions(orEnv(tlsCert, TlsFiles.ENV_CERT), orEnv(tlsKey, TlsFiles.ENV_KEY),
        orEnv(tlsCa, TlsFiles.ENV_CA), identityRequired, "--tls-");
  }

  /**
   * How the application's own channels are secured inside Spark: TLS from {@code --tls-cert}, {@code --tls-key},
   * {@code --tls-ca} (or their environment variables), plaintext explicitly with {@code --insecure}, else
   * plaintext on loopback only (local mode; a cluster refuses to start).
   *
   * @throws IllegalArgumentException for an incomplete set of files, or files with {@code --insecure}
   */
  SparkTls sparkTls() {
    Path cert = orEnv(tlsCert, TlsFiles.ENV_CERT);
    Path key = orEnv(tlsKey, TlsFiles.ENV_KEY);
    Path ca = orEnv(tlsCa, TlsFiles.ENV_CA);
    if (cert == null && key == null && ca == null) {
      return insecure ? SparkTls.INSECURE : SparkTls.NONE;
    }
    if (insecure) {
      throw new IllegalArgumentException("--insecure (plaintext) and --tls-cert/--tls-key/--tls-ca (TLS) exclude each"
          + " other: choose one");
    }
    try {
      return new SparkTls(str(cert), str(key), str(ca), false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together: " + e.getMessage(), e);
    }
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }

  private static Path orEnv(Path given, String env) {
    String v = System.getenv(env);
    return given != null ? given : v == null || v.isBlank() ? null : Path.of(v.trim());
  }

  /** What to train on and how: the job file's ({@code --job}) or the flags'. */
  record Request(JobSpec spec, DataSource train, DataSource test) {}

  /**
   * The job as given (defaults are filled by the coordinator's resolver); its data paths are labels only
   * (Spark reads the data). The fault tolerance is always the barrier stage's ({@link BarrierJob#faultTolerance}).
   */
  Request request() throws java.io.IOException {
    if (job != null) {
      // the data is Spark's to read: the core's checks of data files (IDX needs labels, paths exist) do not
      // apply, so the spec is validated with placeholders and the data section is read as given
      DataSpec[] given = new DataSpec[1];
      JobSpec s = io.ringmaster.job.spec.JobSpecYaml.read(job, asGiven -> {
        given[0] = asGiven.data();
        return asGiven.withData(new DataSpec(DatasetRef.csv("spark:train", "label"), DatasetRef.csv("spark:test",
            "label")));
      });
      if (given[0] == null) {
        throw new IllegalArgumentException("spec.data: missing: give data.train and data.test (paths Spark can read)");
      }
      DataSource tr = DataSource.of("spec.data.train", given[0].train(), format);
      DataSource te = DataSource.of("spec.data.test", given[0].test(), format);
      JobSpec barrier = new JobSpec(s.name() == null ? "spark" : s.name(), s.model(),
          new DataSpec(tr.label(), te.label()), s.epochs(), s.batchSize(), s.updater(), s.seed(), s.workers(), null,
          null, BarrierJob.faultTolerance(s.workers(), s.ft().checkpointEverySteps()), null);
      return new Request(barrier, tr, te);
    }
    List<String> missing = new java.util.ArrayList<>();
    if (train == null) {
      missing.add("--train");
    }
    if (test == null) {
      missing.add("--test");
    }
    if (workers == null) {
      missing.add("--workers");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing " + String.join(", ", missing) + " (or give a job file with --job)");
    }
    String f = format == null ? "parquet" : format;
    DataSource tr = new DataSource(f, train, trainLabels, labelColumn);
    DataSource te = new DataSource(f, test, testLabels, labelColumn);
    ModelSpec m = switch (model) {
      case ModelSpec.MLP, ModelSpec.LENET -> new ModelSpec.Builtin(model, null, null);
      default -> {
        Path json = Path.of(model);
        if (!Files.isRegularFile(json)) {
          throw new IllegalArgumentException("--model " + model + " is neither mlp, lenet nor a DL4J JSON file");
        }
        yield new ModelSpec.Dl4jJson(Files.readString(json));
      }
    };
    UpdaterSpec.Type type = UpdaterSpec.Type.parse(updater);
    if (type == null) {
      throw new IllegalArgumentException("--updater " + updater + " is not one of sgd, nesterov, adam");
    }
    UpdaterSpec u = new UpdaterSpec(type, learningRate, null);
    FaultToleranceSpec ft = BarrierJob.faultTolerance(workers, checkpointEverySteps);
    return new Request(new JobSpec("spark", m, new DataSpec(tr.label(), te.label()), epochs, batch, u, seed, workers,
        null, null, ft, null), tr, te);
  }
}
