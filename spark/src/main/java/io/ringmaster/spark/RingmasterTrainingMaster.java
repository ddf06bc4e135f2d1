package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.TrainingResult;
import org.deeplearning4j.spark.api.TrainingWorker;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deeplearning4j Spark's {@link TrainingMaster}, trained by Ringmaster: switch with one line,
 *
 * <pre>{@code
 * TrainingMaster tm = new RingmasterTrainingMaster.Builder(2).batchSizePerWorker(64).build();
 * SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, conf, tm);
 * sparkNet.fit(trainingData);          // one epoch over the RDD, as with ParameterAveragingTrainingMaster
 * }</pre>
 *
 * <p>Each {@code fit} is one Ringmaster job of one epoch ({@link BarrierJob}) on the coordinator the driver
 * hosts for the master's life ({@link DriverCoordinator}, started by the first {@code fit}, stopped by {@link
 * #close()} or with the SparkContext). The first {@code fit} on an RDD deals its DataSets to one partition per
 * worker, converts each partition into training rows and keeps them cached ({@link ConvertedRows}; {@link
 * Builder#rowsStorageLevel}); every {@code fit} on that RDD then runs the workers as ONE barrier stage over the
 * cached rows, all starting from the driver network's parameters, updater state and iteration count ({@link
 * ModelStart}). Each {@code fit} logs where its time went ({@link FitTimings}).
 * Every step, every worker computes the gradient SUM of its local batch, the ring all-reduce adds them up,
 * and every replica applies the network's own updater with the global batch size: each step is exactly one
 * step of the single network on the union of the local batches (the global batch), not an average of
 * separately trained models as with parameter averaging. Afterwards the driver's {@code MultiLayerNetwork}
 * holds the trained parameters, updater state and iteration count (what {@code SparkDl4jMultiLayer.fit}
 * expects; {@code fit} itself then increments the epoch count), and {@code getScore()} the epoch's mean
 * training loss.
 *
 * <p>What the network and data must be: a {@code MultiLayerNetwork} classifier with FLOAT parameters and one
 * updater Ringmaster's workers apply (SGD, Nesterov momentum or Adam; {@link DropInUpdaters}); one-hot
 * labels, features {@code [n, features]} or {@code [n, c, h, w]} ({@link DataSetShape}); no BatchNormalization
 * (its running statistics are not gradients). Violations are reported before anything trains. The batches
 * differ from DL4J's: the global batch is the builder's, whatever the sizes of the RDD's DataSets, and each
 * epoch every example is used exactly once in an order seeded by (seed, the network's epoch count,
 * partition) (see docs/SPARK.md, "Exactness").
 *
 * <p>A test set ({@link Builder#testData}) is evaluated after every epoch, each worker its own share of it (dealt
 * beside the training data, converted and kept with the training rows), and shown in the epoch's line in the
 * driver's log as the core's CLI shows it; {@link #lastEpoch()} returns the last epoch's metrics. The channels
 * of every job are secured as {@link Builder#tls} / {@link Builder#insecure} say (plaintext on loopback
 * otherwise, so a cluster needs one of them).
 *
 * <p>What does not apply fails at once with a message: {@code ComputationGraph} ({@code
 * SparkComputationGraph}), MultiDataSets, training from paths, DL4J training hooks, listeners and training
 * statistics (workers report per-epoch metrics to the driver's log instead).
 */
public final class RingmasterTrainingMaster
    implements TrainingMaster<TrainingResult, TrainingWorker<TrainingResult>>, Serializable, AutoCloseable {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(RingmasterTrainingMaster.class);

  private final int workers;
  private final int globalBatch;
  private final Long seed;
  private final Duration admitTimeout;
  private final String tempDir;
  private final StorageLevel rowsStorageLevel;
  /** The converted rows of the RDD fitted last (driver-side only; created on first use). */
  private transient ConvertedRows rows;
  /** The coordinator every fit's job runs on, started by the first fit (driver-side only). */
  private transient DriverCoordinator coordinator;
  private transient JavaSparkContext coordinatorContext;
  private transient Path coordinatorDir;
  private final SparkTls tls;
  /** Evaluated by the workers after every fit's epoch (driver-side only); null: no test set. */
  private final transient JavaRDD<DataSet> testData;
  /** The metrics of the last fit's epoch (driver-side only). */
  private transient volatile io.ringmaster.proto.v1.EpochMetrics lastEpoch;

  private RingmasterTrainingMaster(Builder b) {
    this.workers = b.workers;
    this.globalBatch = b.globalBatch > 0 ? b.globalBatch : b.batchSizePerWorker * b.workers;
    this.seed = b.seed;
    this.admitTimeout = b.admitTimeout;
    this.tempDir = b.tempDir;
    this.rowsStorageLevel = b.rowsStorageLevel;
    this.testData = b.testData;
    this.tls = b.tls;
  }

  /** Workers: barrier tasks, one partition each. */
  public int workers() {
    return workers;
  }

  /** The global batch: the sum of the workers' local batches in every step. */
  public int globalBatchSize() {
    return globalBatch;
  }

  /**
   * The metrics of the last {@code fit}'s epoch, as the driver's log line shows them: training loss, and with
   * a {@link Builder#testData test set} its loss, accuracy and size ({@code getTestSamples()}: every test
   * example once), time, samples per second, steps; empty before the first {@code fit}.
   */
  public Optional<io.ringmaster.proto.v1.EpochMetrics> lastEpoch() {
    return Optional.ofNullable(lastEpoch);
  }

  /**
   * Trains {@code network}'s model for one epoch over {@code trainingData} (see the class documentation) and
   * leaves the result in {@code network.getNetwork()}.
   *
   * @throws IllegalArgumentException if the network or the data is not one Ringmaster can train (what to
   *     change is in the message)
   * @throws IllegalStateException if the Spark configuration cannot run the barrier stage, or the job failed
   */
  @Override
  public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> trainingData) {
    JavaSparkContext sc = network.getSparkContext();
    MultiLayerNetwork net = network.getNetwork();
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    UpdaterSpec updater = DropInUpdaters.of(conf);
    SparkConf sparkConf = sc.getConf();
    List<String> problems = SparkPreflight.problems(
        k -> sparkConf.contains(k) ? Optional.of(sparkConf.get(k)) : Optional.empty(), workers,
        Runtime.getRuntime().availableProcessors());
    if (!problems.isEmpty()) {
      throw new IllegalStateException("RingmasterTrainingMaster: " + String.join("; ", problems));
    }
    FitTimings timings = FitTimings.system();
    ConvertedRows.Entry rows = rows().of(trainingData, testData);
    DatasetInfo train = rows.info();
    timings.lap("rows");
    timings.detail("rows", (rows.cached()
        ? "cached: " + rows.blocks().getStorageLevel().description() : "converted by each task")
        + (testData == null ? "" : ", with the test rows"));
    DatasetInfo test = rows.testInfo() != null ? rows.testInfo()
        : new DatasetInfo(0, train.channels(), train.height(), train.width(), train.classes());
    long jobSeed = seed != null ? seed : conf.getConf(0).getSeed();
    JobSpec spec = new JobSpec("dl4j-spark", new ModelSpec.Dl4jJson(conf.toJson()),
        new DataSpec(DatasetRef.csv("spark:JavaRDD<DataSet>", "label"),
            DatasetRef.csv(testData == null ? "spark:none" : "spark:JavaRDD<DataSet>:test", "label")),
        1, globalBatch, updater, jobSeed, workers, null, null, BarrierJob.faultTolerance(workers, 0), null);
    ModelStart start = startOf(net);
    timings.lap("start model");
    BarrierJob<DataSetBlock> job = new BarrierJob<>(spec, train, test, rows.blocks().rdd(),
        DataSetRows.blockReader(train.features()), start, net.getEpochCount(), TaskFault.NONE, rows.trainSizes());
    DriverCoordinator on = coordinator(sc);
    Job end;
    try {
      end = run(sc, job, on, timings);
    } catch (RuntimeException e) {
      rows().close(); // a lost executor takes cached blocks with it: the next fit converts the RDD again
      throw e;
    }
    try {
      if (end.getState() != JobState.JOB_STATE_SUCCEEDED) {
        throw new IllegalStateException("RingmasterTrainingMaster: job " + end.getId() + " "
            + io.ringmaster.job.JobState.shortName(end.getState()).toLowerCase(Locale.ROOT) + ": " + end.getMessage());
      }
      copyInto(net, Path.of(end.getModelPath()));
      timings.lap("model back");
      lastEpoch = end.getEpochsCount() == 0 ? null : end.getEpochs(end.getEpochsCount() - 1);
      double loss = lastEpoch == null ? Double.NaN : lastEpoch.getTrainLoss();
      network.setScore(loss);
      log.info("RingmasterTrainingMaster: {} examples on {} workers, global batch {}: train loss {} (iteration {});"
          + " {}", train.samples(), workers, globalBatch, String.format(Locale.US, "%.4f", loss),
          net.getIterationCount(), timings.line("fit"));
    } catch (IOException e) {
      throw new UncheckedIOException("RingmasterTrainingMaster: " + e.getMessage(), e);
    } finally {
      forget(on, end.getId());
    }
  }

  /** Deletes a finished fit's job (its record, checkpoints and model file): the driver's network holds the result. */
  private static void forget(DriverCoordinator on, String jobId) {
    try {
      on.jobs().delete(jobId);
    } catch (RuntimeException e) {
      log.warn("RingmasterTrainingMaster: could not delete job {} from the driver's coordinator (its files stay until"
          + " the master is closed): {}", jobId, e.toString());
    }
  }

  private synchronized ConvertedRows rows() {
    if (rows == null) {
      rows = new ConvertedRows(workers, rowsStorageLevel);
    }
    return rows;
  }

  /**
   * The driver's coordinator, started by the first fit (and again after {@link #close} or for another
   * SparkContext); it stops with the SparkContext, or with {@link #close}.
   */
  private synchronized DriverCoordinator coordinator(JavaSparkContext sc) {
    if (coordinator != null && coordinatorContext.sc() == sc.sc() && !sc.sc().isStopped()) {
      return coordinator;
    }
    stopCoordinator();
    try {
      coordinatorDir = Files.createTempDirectory(Path.of(tempDir), "ringmaster-dl4j-spark-");
      coordinator = DriverCoordinator.start(sc, coordinatorDir, tls);
    } catch (RuntimeException e) {
      if (coordinatorDir != null) {
        deleteTree(coordinatorDir);
        coordinatorDir = null;
      }
      if (!(e instanceof io.ringmaster.job.security.ExposureCheck.InsecureExposureException)) {
        throw e;
      }
      throw new IllegalStateException("RingmasterTrainingMaster: on a cluster the driver's coordinator and the workers"
          + " listen on the network: give them TLS (Builder.tls(certificate, key, caBundle); the certificate must"
          + " name spark.driver.host) or accept plaintext explicitly (Builder.insecure()) (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("RingmasterTrainingMaster: cannot start the driver's coordinator under "
          + tempDir + " (Builder.tempDir): " + e.getMessage(), e);
    }
    coordinatorContext = sc;
    DriverCoordinator started = coordinator;
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onApplicationEnd(SparkListenerApplicationEnd end) {
        synchronized (RingmasterTrainingMaster.this) {
          if (coordinator == started) {
            stopCoordinator();
          }
        }
      }
    });
    return coordinator;
  }

  private synchronized void stopCoordinator() {
    if (coordinator != null) {
      coordinator.close();
      deleteTree(coordinatorDir);
      coordinator = null;
      coordinatorContext = null;
      coordinatorDir = null;
    }
  }

  /**
   * Stops the driver's coordinator and unpersists the converted rows kept for the next {@code fit}; a later
   * {@code fit} starts them again. Stopping the SparkContext stops the coordinator too.
   */
  @Override
  public synchronized void close() {
    if (rows != null) {
      rows.close();
    }
    stopCoordinator();
  }

  private Job run(JavaSparkContext sc, BarrierJob<DataSetBlock> job, DriverCoordinator on, FitTimings timings) {
    try {
      return job.run(sc, on, admitTimeout, timings);
    } catch (InvalidSpecException e) {
      throw new IllegalArgumentException("RingmasterTrainingMaster: the network cannot be trained: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("RingmasterTrainingMaster: interrupted while training", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("RingmasterTrainingMaster: the driver's coordinator did not admit the job"
          + " within " + admitTimeout + ": " + e, e);
    } catch (RuntimeException e) {
      Optional<String> slots = SparkPreflight.explainSlots(e, workers);
      if (slots.isPresent()) {
        throw new IllegalStateException("RingmasterTrainingMaster: " + slots.get(), e);
      }
      throw e;
    }
  }

  /** The driver network's parameters, updater state and counters, for the workers to start from. */
  static ModelStart startOf(MultiLayerNetwork net) {
    INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    return new ModelStart(net.params().toFloatVector(), state == null ? new float[0] : state.toFloatVector(),
        net.getIterationCount(), net.getEpochCount());
  }

  /** Copies parameters, updater state and iteration count of the model file rank 0 saved into {@code net}. */
  static void copyInto(MultiLayerNetwork net, Path model) throws IOException {
    MultiLayerNetwork trained = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true);
    if (trained.numParams() != net.numParams()) {
      throw new IllegalStateException("the trained model has " + trained.numParams() + " parameters, the driver's"
          + " network " + net.numParams());
    }
    net.setParams(trained.params());
    INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    INDArray trainedState = trained.getUpdater() == null ? null : trained.getUpdater().getStateViewArray();
    if (state != null) {
      if (trainedState == null || trainedState.length() != state.length()) {
        throw new IllegalStateException("the trained model's updater state has "
            + (trainedState == null ? 0 : trainedState.length()) + " values, the driver's network's " + state.length());
      }
      state.assign(trainedState.reshape(state.shape()));
    }
    net.setIterationCount(trained.getIterationCount());
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("RingmasterTrainingMaster: could not delete {}: {}", dir, e.toString());
    }
  }

  private static UnsupportedOperationException unsupported(String what, String instead) {
    return new UnsupportedOperationException("RingmasterTrainingMaster does not support " + what + ": " + instead);
  }

  @Override
  public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph,
      JavaRDD<String> trainingDataPaths, DataSetLoader dsLoader, MultiDataSetLoader mdsLoader) {
    throw unsupported("training from paths (fit(String), fitPaths)",
        "load the DataSets into a JavaRDD<DataSet> (cached, one partition per worker) and call fit(rdd)");
  }

  @Override
  public void executeTraining(SparkComputationGraph graph, JavaRDD<DataSet> trainingData) {
    throw unsupported("ComputationGraph (SparkComputationGraph)",
        "Ringmaster trains MultiLayerNetworks; express the model as a MultiLayerConfiguration and use"
            + " SparkDl4jMultiLayer, or keep ParameterAveragingTrainingMaster for graphs");
  }

  @Override
  public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
    throw unsupported("ComputationGraph with MultiDataSets",
        "Ringmaster trains MultiLayerNetworks on DataSets with one features and one labels array");
  }

  @Override
  public TrainingWorker<TrainingResult> getWorkerInstance(SparkDl4jMultiLayer network) {
    throw unsupported("DL4J TrainingWorkers", "its workers are Ringmaster workers in a barrier stage, started by"
        + " executeTraining (SparkDl4jMultiLayer.fit)");
  }

  @Override
  public TrainingWorker<TrainingResult> getWorkerInstance(SparkComputationGraph graph) {
    throw unsupported("ComputationGraph (SparkComputationGraph)", "use SparkDl4jMultiLayer");
  }

  @Override
  public void addHook(TrainingHook trainingHook) {
    throw unsupported("training hooks", "its workers apply each global step inside the ring all-reduce loop;"
        + " per-epoch metrics are in the driver's log");
  }

  @Override
  public void removeHook(TrainingHook trainingHook) {
    // none can have been added
  }

  @Override
  public void setListeners(Collection<TrainingListener> listeners) {
    if (listeners != null && !listeners.isEmpty()) {
      throw unsupported("training listeners", "listeners are not called on the workers' exact-gradient path;"
          + " per-epoch metrics are in the driver's log and getScore() is the epoch's training loss");
    }
  }

  @Override
  public void setListeners(StatsStorageRouter router, Collection<TrainingListener> listeners) {
    setListeners(listeners);
  }

  @Override
  public void setCollectTrainingStats(boolean collectTrainingStats) {
    if (collectTrainingStats) {
      throw unsupported("Spark training statistics", "per-epoch metrics (loss, time, samples/s) are in the"
          + " driver's log");
    }
  }

  @Override
  public boolean getIsCollectTrainingStats() {
    return false;
  }

  @Override
  public SparkTrainingStats getTrainingStats() {
    return null;
  }

  /** {@link #close()}: the coordinator's directory and the converted rows; the next fit starts them again. */
  @Override
  public boolean deleteTempFiles(JavaSparkContext sc) {
    close();
    return true;
  }

  @Override
  public boolean deleteTempFiles(SparkContext sc) {
    close();
    return true;
  }

  @Override
  public String toJson() {
    return "{\"@class\":\"" + getClass().getName() + "\",\"workers\":" + workers + ",\"globalBatchSize\":" + globalBatch
        + ",\"seed\":" + seed + ",\"admitTimeoutS\":" + admitTimeout.toSeconds() + ",\"rowsStorageLevel\":\""
        + rowsStorageLevel.description() + "\",\"testData\":" + (testData != null) + ",\"tls\":\"" + tls + "\"}";
  }

  @Override
  public String toYaml() {
    return "'@class': " + getClass().getName() + "\nworkers: " + workers + "\nglobalBatchSize: " + globalBatch
        + "\nseed: " + (seed == null ? "null" : seed) + "\nadmitTimeoutS: " + admitTimeout.toSeconds()
        + "\nrowsStorageLevel: '" + rowsStorageLevel.description() + "'\ntestData: " + (testData != null) + "\n";
  }

  @Override
  public String toString() {
    return "RingmasterTrainingMaster" + toJson();
  }

  /** Builds a {@link RingmasterTrainingMaster}. */
  public static final class Builder {
    private final int workers;
    private int batchSizePerWorker = 16;
    private int globalBatch;
    private Long seed;
    private Duration admitTimeout = Duration.ofMinutes(10);
    private String tempDir = System.getProperty("java.io.tmpdir");
    private StorageLevel rowsStorageLevel = StorageLevel.MEMORY_ONLY();
    private JavaRDD<DataSet> testData;
    private SparkTls tls = SparkTls.NONE;

    /**
     * @param workers Ringmaster workers, one barrier task each: the application needs at least this many
     *     concurrent task slots
     */
    public Builder(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, got " + workers);
      }
      this.workers = workers;
    }

    /**
     * Examples per worker per step (default 16, as ParameterAveragingTrainingMaster's): the global batch is
     * this times the workers. Ignored when {@link #globalBatchSize} is set.
     */
    public Builder batchSizePerWorker(int batchSizePerWorker) {
      if (batchSizePerWorker < 1) {
        throw new IllegalArgumentException("batchSizePerWorker must be >= 1, got " + batchSizePerWorker);
      }
      this.batchSizePerWorker = batchSizePerWorker;
      return this;
    }

    /** The global batch: examples per step over all workers (>= workers). */
    public Builder globalBatchSize(int globalBatch) {
      if (globalBatch < workers) {
        throw new IllegalArgumentException("globalBatchSize must be >= workers (" + workers + "), got " + globalBatch);
      }
      this.globalBatch = globalBatch;
      return this;
    }

    /** Seeds the per-epoch shuffles (default: the network configuration's seed). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How long to wait for the driver's coordinator to admit each fit's job (default 10 minutes). */
    public Builder admitTimeout(Duration admitTimeout) {
      this.admitTimeout = admitTimeout;
      return this;
    }

    /**
     * How the examples converted for the workers are kept between {@code fit}s of the same RDD (default {@code
     * MEMORY_ONLY}: in Spark's storage memory, 4 bytes per feature value, recomputed when evicted; {@code
     * StorageLevel.NONE()}: not kept, each fit's tasks convert the DataSets again). One RDD's rows at a time:
     * fitting another RDD, {@link RingmasterTrainingMaster#close()} or {@code deleteTempFiles} drop them.
     */
    public Builder rowsStorageLevel(StorageLevel level) {
      this.rowsStorageLevel = java.util.Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * A test set evaluated after every {@code fit}'s epoch, as the core's jobs do: the epoch line in the driver's
     * log shows its loss and accuracy ({@code test loss 0.6715  test acc 75.70%}) and {@link #lastEpoch()} returns
     * them. Its DataSets are dealt to the workers like the training data's (one partition per worker; cache an
     * RDD of that many partitions to avoid a shuffle on every fit); each worker evaluates its own test examples
     * with the epoch's final parameters, so every test example is evaluated exactly once. Same feature layout and
     * one-hot width as the training data. Its rows are converted and kept with the training rows ({@link
     * #rowsStorageLevel}; the pair of RDDs is recognised by their ids). Default: none (the epoch line says {@code
     * no test set}).
     */
    public Builder testData(JavaRDD<DataSet> testData) {
      this.testData = java.util.Objects.requireNonNull(testData, "testData");
      return this;
    }

    /**
     * TLS on every channel of each fit's job: the driver's coordinator (kept for the master's life, started with
     * this setting) serves with {@code certificateChain} (which must name {@code spark.driver.host}, the address
     * the tasks dial) and the tasks' workers present it to the coordinator and to each other; all check against {@code caBundle}. PEM files; each is read where the process
     * runs: the path if readable there (a shared or mounted path), else the file of that name shipped with {@code
     * spark.files}. Default: plaintext on loopback only (local mode); a cluster needs this or {@link #insecure()}.
     */
    public Builder tls(String certificateChain, String privateKey, String caBundle) {
      this.tls = new SparkTls(java.util.Objects.requireNonNull(certificateChain, "certificateChain"),
          java.util.Objects.requireNonNull(privateKey, "privateKey"), java.util.Objects.requireNonNull(caBundle,
              "caBundle"), false);
      return this;
    }

    /**
     * Plaintext on a cluster, explicitly: anyone who can reach the driver's or an executor's ports can read the
     * parameters and data and join or disturb the ring (workers still prove the job's secret, rings their tokens).
     */
    public Builder insecure() {
      this.tls = SparkTls.INSECURE;
      return this;
    }

    /** Where the driver's coordinator keeps its files (checkpoints, models) while it runs (default java.io.tmpdir). */
    public Builder tempDir(String tempDir) {
      this.tempDir = tempDir;
      return this;
    }

    public RingmasterTrainingMaster build() {
      return new RingmasterTrainingMaster(this);
    }
  }
}
