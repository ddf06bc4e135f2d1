package io.ringmaster.bench.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import io.ringmaster.worker.engine.Replica;
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
 * </pre>
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
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --loop fit|fit-reuse|replica --model mlp|lenet --epochs N [--batch B] [--seed S]");
      }
    }
    Dataset train = DatasetLoader.load(DatasetRef.idx(dir + "/train-images-idx3-ubyte.gz",
        dir + "/train-labels-idx1-ubyte.gz"));
    ModelSpec spec = switch (model) {
      case "mlp" -> ModelSpec.Builtin.mlp();
      case "lenet" -> ModelSpec.Builtin.lenet();
      default -> throw new IllegalArgumentException("unknown model " + model + ": use mlp or lenet");
    };
    MultiLayerNetwork net = ModelFactory.build(spec, UpdaterSpec.adam(1e-3), seed, train.info());
    TrainingLoop loop = switch (loopName) {
      case "fit" -> new FitLoop(net, train, batch, train.info().classes(), false);
      case "fit-reuse" -> new FitLoop(net, train, batch, train.info().classes(), true);
      case "replica" -> new ReplicaLoop(new Replica(net, train, batch));
      default -> throw new IllegalArgumentException("unknown loop " + loopName + ": use fit, fit-reuse or replica");
    };
    System.out.printf(Locale.ROOT, "# %s %s: %d epochs, batch %d, %d params, ND4J %s, blas threads %s, java %s,"
            + " max heap %d MB%n", loop.name(), model, epochs, batch, net.numParams(),
        nd4jBuild(),
        Nd4j.getEnvironment().maxMasterThreads(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    run(loop, model, train, batch, seed, epochs, window, maxSteps);
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

  static void run(TrainingLoop loop, String model, Dataset train, int batch, long seed, int epochs, int window,
      long maxSteps) {
    RateMeter perWindow = new RateMeter(loop.name());
    RateMeter perEpoch = new RateMeter(loop.name());
    RateMeter total = new RateMeter(loop.name());
    int[] idx = new int[batch];
    long steps = 0;
    long samples = 0;
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
      System.out.println(perEpoch.window((whole ? "epoch-" : "part-of-epoch-") + e, steps, samples).format());
    }
    RateMeter.Window all = total.window("total", steps, samples);
    System.out.println(all.format());
    System.out.println(ThreadCpu.report(6));
    System.out.printf(Locale.ROOT, "RESULT loop=%s model=%s epochs=%d steps=%d samples=%d seconds=%.2f"
            + " samples_per_s=%.0f samples_per_main_cpu_s=%.0f samples_per_process_cpu_s=%.0f gc_ms=%d rss_mb=%d%n",
        loop.name(), model, epochs, steps, samples, all.seconds(), all.samplesPerSecond(),
        all.samplesPerMainCpuSecond(), all.samplesPerProcessCpuSecond(), all.gcMs(), all.rssMb());
  }
}
