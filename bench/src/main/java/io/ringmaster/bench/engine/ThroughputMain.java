package io.ringmaster.bench.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import io.ringmaster.worker.engine.Replica;
import io.ringmaster.worker.engine.StepPhases;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times one training loop over whole epochs of Fashion-MNIST and prints per-1000-step and per-epoch
 * figures, then one {@code RESULT} line. One loop per JVM, so loops cannot disturb each other's heap.
 *
 * <pre>
 * ThroughputMain --loop fit|fit-reuse|replica --model mlp|lenet --epochs 3 [--batch 128] [--seed 42]
 *                [--max-steps N] [--window 1000] [--data /usr/share/datasets/fashion-mnist]
 *                [--train IMAGES,LABELS] [--test IMAGES,LABELS] [--phases] [--label NAME]
 * </pre>
 *
 * <p>{@code --train}/{@code --test} take IDX files (plain or gzipped) instead of {@code --data}'s; with
 * {@code --test} the test accuracy is measured after each epoch (outside the timed windows). {@code
 * --phases} times each step's phases ({@code StepPhases}) and prints, per epoch, one {@code ENGINE} line
 * (samples/s, samples per training-thread CPU second, test accuracy) and one {@code PHASES} line (ms per
 * step by phase, wall and CPU): the format {@code bench/engine.sh} reads for every engine it compares.
 */
public final class ThroughputMain {
  private ThroughputMain() {}

  public static void main(String[] args) throws Exception {
    String loopName = "replica";
    String model = "mlp";
    int epochs = 3;
    int batch = 128;
    long seed = 42;
    String dir = "/usr/share/datasets/fashion-mnist";
    int window = 1000;
    long maxSteps = Long.MAX_VALUE;
    String[] trainFiles = null;
    String[] testFiles = null;
    boolean timePhases = false;
    String label = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--loop" -> loopName = args[++i];
        case "--model" -> model = args[++i];
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--data" -> dir = args[++i];
        case "--window" -> window = Integer.parseInt(args[++i]);
        case "--max-steps" -> maxSteps = Long.parseLong(args[++i]);
        case "--train" -> trainFiles = pair(args[++i], "--train");
        case "--test" -> testFiles = pair(args[++i], "--test");
        case "--phases" -> timePhases = true;
        case "--label" -> label = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --loop fit|fit-reuse|replica --model mlp|lenet --epochs N [--batch B] [--seed S]");
      }
    }
    Dataset train = trainFiles != null ? DatasetLoader.load(DatasetRef.idx(trainFiles[0], trainFiles[1]))
        : DatasetLoader.load(DatasetRef.idx(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz"));
    Dataset test = testFiles == null ? null : DatasetLoader.load(DatasetRef.idx(testFiles[0], testFiles[1]));
    StepPhases phases = timePhases ? StepPhases.timing(StepPhases.threadClock()) : StepPhases.off();
    ModelSpec spec = switch (model) {
      case "mlp" -> ModelSpec.Builtin.mlp();
      case "lenet" -> ModelSpec.Builtin.lenet();
      default -> throw new IllegalArgumentException("unknown model " + model + ": use mlp or lenet");
    };
    MultiLayerNetwork net = ModelFactory.build(spec, UpdaterSpec.adam(1e-3), seed, train.info());
    TrainingLoop loop = switch (loopName) {
      case "fit" -> new FitLoop(net, train, batch, train.info().classes(), false, phases);
      case "fit-reuse" -> new FitLoop(net, train, batch, train.info().classes(), true, phases);
      case "replica" -> new ReplicaLoop(new Replica(net, train, batch), phases);
      default -> throw new IllegalArgumentException("unknown loop " + loopName + ": use fit, fit-reuse or replica");
    };
    System.out.printf(Locale.ROOT, "# %s %s: %d epochs, batch %d, %d params, ND4J %s, blas threads %s, java %s,"
            + " max heap %d MB%n", loop.name(), model, epochs, batch, net.numParams(),
        nd4jBuild(),
        Nd4j.getEnvironment().maxMasterThreads(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    run(loop, model, train, test, batch, seed, epochs, window, maxSteps, label == null ? loop.name() : label);
  }

  private static String[] pair(String v, String flag) {
    String[] p = v.split(",");
    if (p.length != 2) {
      throw new IllegalArgumentException(flag + " takes IMAGES,LABELS (two IDX files), got " + v);
    }
    return p;
  }

  /** The instruction set of the loaded libnd4j build, as ND4J reports it. */
  static String nd4jBuild() {
    int level = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel();
    return switch (level) {
      case 3 -> "avx512";
      case 2 -> "avx2";
      default -> "generic x86-64";
    };
  }

  static void run(TrainingLoop loop, String model, Dataset train, Dataset test, int batch, long seed, int epochs,
      int window, long maxSteps, String label) {
    RateMeter perWindow = new RateMeter(loop.name());
    RateMeter perEpoch = new RateMeter(loop.name());
    RateMeter total = new RateMeter(loop.name());
    int[] idx = new int[batch];
    long steps = 0;
    long samples = 0;
    double trainSeconds = 0;
    double trainMainCpu = 0;
    double trainProcessCpu = 0;
    for (int e = 1; e <= epochs && steps < maxSteps; e++) {
      loop.startEpoch(e);
      ShardPlan plan = ShardPlan.of(seed, e, train.size(), batch);
      for (int s = 0; s < plan.steps() && steps < maxSteps; s++) {
        int n = plan.indices(s, 0, 1, idx);
        loop.step(idx, n);
        steps++;
        samples += n;
        if (steps % window == 0) {
          System.out.println(perWindow.window("steps-" + (steps - window + 1) + "-" + steps, steps, samples)
              .format());
        }
      }
      boolean whole = steps % plan.steps() == 0;
      RateMeter.Window epochWindow = perEpoch.window((whole ? "epoch-" : "part-of-epoch-") + e, steps, samples);
      System.out.println(epochWindow.format());
      trainSeconds += epochWindow.seconds();
      trainMainCpu += epochWindow.mainCpu();
      trainProcessCpu += epochWindow.processCpu();
      if (loop.phases().enabled() || test != null) {
        double accuracy = test == null ? Double.NaN : loop.testAccuracy(test);
        System.out.printf(Locale.ROOT, "ENGINE name=%s model=%s epoch=%d steps=%d samples=%d seconds=%.3f"
                + " samples_per_s=%.1f samples_per_cpu_s=%.1f test_acc=%.4f%n", label, model, e, epochWindow.steps(),
            epochWindow.samples(), epochWindow.seconds(), epochWindow.samplesPerSecond(),
            epochWindow.samplesPerMainCpuSecond(), accuracy);
        if (loop.phases().enabled()) {
          System.out.printf(Locale.ROOT, "PHASES name=%s model=%s epoch=%d %s%n", label, model, e,
              loop.phases().take().format());
        }
        // the evaluation is not training: the next epoch's window (and the per-step windows) start after it
        perEpoch.restart(steps, samples);
        perWindow.restart(steps, samples);
      }
    }
    RateMeter.Window all = total.window("total", steps, samples);
    System.out.println(all.format());
    if (test != null) {
      System.out.printf(Locale.ROOT, "# training only (evaluations left out): %.2f s, %.0f samples/s, %.0f per main-cpu-s,"
          + " %.0f per process-cpu-s%n", trainSeconds, samples / trainSeconds, samples / trainMainCpu,
          samples / trainProcessCpu);
    }
    System.out.println(ThreadCpu.report(6));
    System.out.printf(Locale.ROOT, "RESULT loop=%s model=%s epochs=%d steps=%d samples=%d seconds=%.2f"
            + " samples_per_s=%.0f samples_per_main_cpu_s=%.0f samples_per_process_cpu_s=%.0f gc_ms=%d rss_mb=%d%n",
        loop.name(), model, epochs, steps, samples, all.seconds(), all.samplesPerSecond(),
        all.samplesPerMainCpuSecond(), all.samplesPerProcessCpuSecond(), all.gcMs(), all.rssMb());
  }
}
