package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * The benchmark of issue #8 (not a test; {@code bench/spark.sh} runs it): the same {@code
 * SparkDl4jMultiLayer.fit} call, the same data, model and epochs on {@code local[2]}, with DL4J's
 * ParameterAveragingTrainingMaster, SharedTrainingMaster and Ringmaster's master. The masters ALTERNATE
 * epoch by epoch (epoch 1 of each, then epoch 2 of each, ...), so a change in the machine's load hits all of
 * them alike. Per epoch: the wall time of {@code fit} and the test accuracy of the driver's network after it
 * (evaluated on the driver, outside the timing).
 *
 * <p>Model: the core's built-in MLP (784-256-128-10, relu, softmax, XAVIER; {@link ModelFactory}), Adam 1e-3,
 * the global batch 128 (64 per worker), as {@code examples/fashion-mlp.yaml}. Data: Fashion-MNIST from the IDX
 * files, DataSets of 64 examples, 2 partitions, cached before the first epoch.
 *
 * <p>Arguments: {@code [epochs=3] [trainSamples=60000] [masters=averaging,shared,ringmaster]} (also {@code
 * ringmaster-nocache}: the drop-in converting the DataSets on every fit). Prints one line per
 * (epoch, master) and a summary with the ratios of the goal.
 */
public final class SparkMastersBench {
  private static final int WORKERS = 2;
  private static final int PER_WORKER = 64;
  private static final long SEED = 42;
  /** A fit that has not returned after this long is reported as hung and its master dropped from the run. */
  private static final long FIT_TIMEOUT_S = Long.getLong("bench.fitTimeoutS", 600);

  private SparkMastersBench() {}

  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int trainSamples = args.length > 1 ? Integer.parseInt(args[1]) : 60000;
    List<String> masters = List.of((args.length > 2 ? args[2] : "averaging,shared,ringmaster").split(","));

    var train = FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", trainSamples);
    var test = FashionParquet.read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000);
    List<DataSet> batches = new ArrayList<>();
    for (int from = 0; from < trainSamples; from += PER_WORKER) {
      int[] rows = new int[Math.min(PER_WORKER, trainSamples - from)];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      batches.add(RingmasterTrainingMasterTest.dataSet(train, rows));
    }
    DataSet testSet = RingmasterTrainingMasterTest.dataSet(test, range(test.labels().length));

    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + WORKERS + "]")
        .setAppName("ringmaster-spark-bench").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    try {
      JavaRDD<DataSet> rdd = sc.parallelize(batches, WORKERS).persist(StorageLevel.MEMORY_ONLY());
      System.out.printf(Locale.US, "# %d training samples in %d DataSets of %d, %d partitions (cached: %d), %d test"
          + " samples; load %s%n", trainSamples, batches.size(), PER_WORKER, rdd.getNumPartitions(), rdd.count(),
          test.labels().length, loadavg());

      MultiLayerConfiguration conf = ModelFactory.configuration(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), SEED,
          new DatasetInfo(trainSamples, 1, 28, 28, 10));
      Map<String, SparkDl4jMultiLayer> nets = new LinkedHashMap<>();
      for (String m : masters) {
        nets.put(m, new SparkDl4jMultiLayer(sc, conf.clone(), master(m)));
      }
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      java.util.concurrent.ExecutorService fits = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fit");
        t.setDaemon(true);
        return t;
      });
      for (int e = 1; e <= epochs; e++) {
        for (var it = nets.entrySet().iterator(); it.hasNext(); ) {
          var entry = it.next();
          long t0 = System.nanoTime();
          var fit = fits.submit(() -> entry.getValue().fit(rdd));
          try {
            fit.get(FIT_TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
            // a master that hangs or fails is reported and dropped; the others go on
            System.out.printf(Locale.US, "epoch %d  %-11s FAILED after %.0f s: %s (dropped from the run)%n", e,
                entry.getKey(), (System.nanoTime() - t0) / 1e9, ex instanceof java.util.concurrent.TimeoutException
                    ? "no result within " + FIT_TIMEOUT_S + " s (-Dbench.fitTimeoutS)" : ex.getCause().toString());
            sc.cancelAllJobs();
            fit.cancel(true);
            it.remove();
            fits.shutdownNow();
            fits = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
              Thread t = new Thread(r, "fit");
              t.setDaemon(true);
              return t;
            });
            continue;
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          double acc = accuracy(entry.getValue().getNetwork(), testSet);
          results.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(new double[] {seconds, acc});
          System.out.printf(Locale.US, "epoch %d  %-11s %7.1f s  %,8.0f samples/s  test acc %.2f%%  (load %s)%n", e,
              entry.getKey(), seconds, trainSamples / seconds, acc * 100, loadavg());
        }
      }
      summary(results, trainSamples);
    } finally {
      sc.stop();
    }
    System.exit(0); // Aeron's and ND4J's threads would hold the JVM open
  }

  private static TrainingMaster<?, ?> master(String name) {
    return switch (name) {
      case "averaging" -> new ParameterAveragingTrainingMaster.Builder(PER_WORKER).batchSizePerWorker(PER_WORKER)
          .averagingFrequency(5).workerPrefetchNumBatches(2).build();
      case "shared" -> new SharedTrainingMaster.Builder(VoidConfiguration.builder().unicastPort(40123)
          .networkMask("127.0.0.0/8").controllerAddress("127.0.0.1").build(), PER_WORKER)
          .batchSizePerWorker(PER_WORKER).workersPerNode(Integer.getInteger("bench.sharedWorkersPerNode", 1))
          // one task per partition of the cached RDD, all running at once: with the defaults (Export, or Direct with
          // the DefaultRepartitioner: tens to hundreds of short tasks per epoch on 2 slots) a task that attaches to
          // the JVM's SharedTrainingWrapper while its master task is finishing waits forever (docs/SPARK.md,
          // "SharedTrainingMaster"); -Dbench.sharedDefaults=true brings the defaults back
          .rddTrainingApproach(Boolean.getBoolean("bench.sharedDefaults")
              ? org.deeplearning4j.spark.api.RDDTrainingApproach.Export
              : org.deeplearning4j.spark.api.RDDTrainingApproach.Direct)
          .repartitioner(Boolean.getBoolean("bench.sharedDefaults")
              ? new org.deeplearning4j.spark.impl.repartitioner.DefaultRepartitioner()
              : new org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner())
          .storageLevel(StorageLevel.MEMORY_ONLY()) // the cached RDD's own (Direct persists it: it must not change)
          .build();
      case "ringmaster" -> new RingmasterTrainingMaster.Builder(WORKERS).batchSizePerWorker(PER_WORKER).build();
      // the drop-in without the rows kept between fits (each fit's tasks convert the DataSets again): the A/B of #8
      case "ringmaster-nocache" -> new RingmasterTrainingMaster.Builder(WORKERS).batchSizePerWorker(PER_WORKER)
          .rowsStorageLevel(StorageLevel.NONE()).build();
      default -> throw new IllegalArgumentException("unknown master " + name
          + ": averaging, shared, ringmaster or ringmaster-nocache");
    };
  }

  /** Per master: the mean epoch time without the first epoch (warm-up), the last accuracy; ratios to Ringmaster. */
  private static void summary(Map<String, List<double[]>> results, int samples) {
    System.out.println("# summary: mean s/epoch over epochs 2.. (epoch 1 if only one), last test accuracy");
    Map<String, Double> mean = new LinkedHashMap<>();
    for (var e : results.entrySet()) {
      List<double[]> r = e.getValue();
      List<double[]> steady = r.size() > 1 ? r.subList(1, r.size()) : r;
      double m = steady.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
      mean.put(e.getKey(), m);
      System.out.printf(Locale.US, "%-11s %7.1f s/epoch  %,8.0f samples/s  last test acc %.2f%%%n", e.getKey(), m,
          samples / m, r.get(r.size() - 1)[1] * 100);
    }
    Double ring = mean.get("ringmaster");
    if (ring != null) {
      for (var e : mean.entrySet()) {
        if (!e.getKey().equals("ringmaster")) {
          System.out.printf(Locale.US, "speed-up of ringmaster over %s: %.2fx (goal vs averaging: >= 2x)%n", e.getKey(),
              e.getValue() / ring);
        }
      }
    }
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static double accuracy(MultiLayerNetwork net, DataSet t) {
    INDArray predicted = net.output(t.getFeatures()).argMax(1);
    return predicted.eq(t.getLabels().argMax(1)).castTo(DataType.FLOAT).meanNumber().doubleValue();
  }

  private static String loadavg() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static {
    Nd4j.getRandom().setSeed(SEED);
  }
}
