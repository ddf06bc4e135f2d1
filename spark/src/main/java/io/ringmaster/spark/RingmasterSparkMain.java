package io.ringmaster.spark;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
 * --test <path> --format parquet|csv|libsvm --model mlp|lenet|<DL4J JSON file> --workers N --epochs E
 * --batch B --output <dir>}: trains on Ringmaster inside Spark (see the package documentation for how).
 *
 * <p>Exit codes: 0 the job succeeded (model in {@code <output>/model.zip}); 1 it failed; 2 the command line,
 * data or Spark configuration cannot run (the message says what to change).
 */
@Command(name = "ringmaster-spark", mixinStandardHelpOptions = true,
    description = "Trains a DL4J model with Ringmaster's ring all-reduce as one Spark barrier stage.")
public final class RingmasterSparkMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RingmasterSparkMain.class);

  @Option(names = "--train", required = true, description = "training data (a path Spark can read)")
  String train;

  @Option(names = "--test", required = true, description = "test data (a path Spark can read)")
  String test;

  @Option(names = "--format", defaultValue = "parquet", description = "parquet, csv or libsvm (default parquet)")
  String format;

  @Option(names = "--label-column", defaultValue = "label", description = "the label column (default label)")
  String labelColumn;

  @Option(names = "--model", defaultValue = "mlp", description = "mlp, lenet, or a DL4J JSON configuration file")
  String model;

  @Option(names = "--workers", required = true, description = "workers = barrier tasks = partitions")
  int workers;

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
    SparkConf conf = new SparkConf();
    List<String> problems = SparkPreflight.problems(k -> conf.contains(k) ? Optional.of(conf.get(k)) : Optional.empty(),
        workers, Runtime.getRuntime().availableProcessors());
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
      return train(spark);
    } finally {
      spark.stop();
    }
  }

  private int train(SparkSession spark) throws Exception {
    TrainingFrames.Shapes shapes;
    Dataset<Row> union;
    JobSpec spec;
    try {
      union = TrainingFrames.union(TrainingFrames.read(spark, format, train, labelColumn),
          TrainingFrames.read(spark, format, test, labelColumn));
      shapes = TrainingFrames.shapes(union);
      spec = spec();
    } catch (IllegalArgumentException e) {
      System.err.println("ringmaster-spark: " + e.getMessage());
      return 2;
    }
    log.info("training data: {} rows, test data: {} rows, {} features, {} classes", shapes.train().samples(),
        shapes.test().samples(), shapes.train().features(), shapes.train().classes());
    Files.createDirectories(output);
    boolean local = spark.sparkContext().isLocal();
    String driverHost = local ? "127.0.0.1" : spark.conf().get("spark.driver.host", "127.0.0.1");
    BarrierStageScheduler scheduler = new BarrierStageScheduler();
    try (CoordinatorServer coordinator = CoordinatorServer.builder()
        .host(local ? "127.0.0.1" : "0.0.0.0").advertiseHost(driverHost).port(0)
        // no TLS options for the Spark application yet: on a cluster its control plane and ring run plaintext,
        // explicitly (workers still prove the job's secret, rings their tokens; docs/SECURITY.md)
        .insecure(!local)
        .dataDir(output.resolve("ringmaster")).scheduler(scheduler).store(new InMemoryJobStore())
        .settings(SPARK_SETTINGS).build().start()) {
      Job job;
      try {
        job = coordinator.jobs().submitWithShapes(SpecProtos.toProto(spec), shapes.train(), shapes.test());
      } catch (InvalidSpecException e) {
        System.err.println("ringmaster-spark: the job is not valid: " + e.getMessage());
        return 2;
      }
      JobWatch watch = JobWatch.start(coordinator.jobs(), job.getId(), epochs);
      var launch = scheduler.asked(job.getId()).get(10, TimeUnit.MINUTES);
      TaskEndpoint endpoint = new TaskEndpoint(driverHost + ":" + coordinator.port(), job.getId(), workers,
          TaskFault.parse(spark.conf().get(TaskFault.CONF, "")), launch.jobSecret());
      Dataset<Row> partitions = union.repartition(workers);
      try {
        for (String line : BarrierStage.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), partitions,
            endpoint, shapes.train().features())) {
          log.info("{}", line);
        }
      } catch (RuntimeException e) {
        Optional<String> slots = SparkPreflight.explainSlots(e, workers);
        coordinator.jobs().cancel(job.getId());
        if (slots.isPresent()) {
          System.err.println("ringmaster-spark: " + slots.get());
          return 2;
        }
        throw e;
      }
      Job end;
      try {
        end = watch.end().get(1, TimeUnit.MINUTES);
      } catch (java.util.concurrent.TimeoutException e) {
        Job now = coordinator.jobs().get(job.getId()).orElse(job);
        System.err.println("ringmaster-spark: every task of the barrier stage has returned but job " + job.getId()
            + " is still " + now.getState().name().toLowerCase(Locale.ROOT) + " (" + now.getMessage()
            + ") a minute later; cancelling it");
        coordinator.jobs().cancel(job.getId());
        return 1;
      }
      return finish(end);
    }
  }

  private int finish(Job end) throws java.io.IOException {
    if (end.getState() != JobState.SUCCEEDED) {
      System.err.println("ringmaster-spark: job " + end.getId() + " " + end.getState().name().toLowerCase(Locale.ROOT)
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

  /** The job as given (defaults are filled by the coordinator's resolver); data paths are labels only. */
  private JobSpec spec() throws java.io.IOException {
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
    DataSpec data = new DataSpec(DatasetRef.csv("spark:" + train, labelColumn), DatasetRef.csv("spark:" + test,
        labelColumn));
    UpdaterSpec.Type type = UpdaterSpec.Type.parse(updater);
    if (type == null) {
      throw new IllegalArgumentException("--updater " + updater + " is not one of sgd, nesterov, adam");
    }
    UpdaterSpec u = new UpdaterSpec(type, learningRate, null);
    // every partition needs its worker: the ring never trains on fewer (a relaunched stage brings them all
    // back). Up to 2N may be attached at once: a relaunched stage's tasks attach while the coordinator may not
    // yet have declared the failed attempt's workers lost, and must not be turned away.
    FaultToleranceSpec ft = new FaultToleranceSpec(workers, 2 * workers, FaultToleranceSpec.UNSET_MAX_REPLACEMENTS,
        0, checkpointEverySteps, false, 0, 0, 0);
    return new JobSpec("spark", m, data, epochs, batch, u, seed, workers, null, null, ft);
  }
}
