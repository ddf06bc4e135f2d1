package io.ringmaster.bench.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.worker.engine.Replica;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * What one replica step ({@code computeGradient} + {@code applyGradient}) costs in ND4J operations and
 * allocations, after a warm-up: main-thread CPU and Java heap bytes per step, then either
 * <ul>
 *   <li>{@code ops}: ND4J's op profiler (every op the executioner runs, by name, with its time, which the
 *       profiling itself inflates; BLAS calls made directly are not ops and not counted), or
 *   <li>{@code objects}: the objects allocated per step by class, from two class histograms of the whole
 *       heap, dead objects included ({@code GC.class_histogram -all}); give the JVM a young generation
 *       large enough that no GC runs during the measured steps ({@code -Xmn900m}), or the counts are wrong.
 * </ul>
 * <pre>StepOpsMain ops|objects [--model mlp|lenet] [--steps 200] [--batch 128] [--data DIR]</pre>
 */
public final class StepOpsMain {
  private StepOpsMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "objects";
    String model = "mlp";
    int steps = 200;
    int batch = 128;
    String dir = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = args[++i];
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--data" -> dir = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: ops|objects [--model mlp|lenet] [--steps N] [--batch B] [--data DIR]");
      }
    }
    Dataset train = DatasetLoader.load(DatasetRef.idx(dir + "/train-images-idx3-ubyte.gz",
        dir + "/train-labels-idx1-ubyte.gz"));
    ModelSpec spec = model.equals("lenet") ? ModelSpec.Builtin.lenet() : ModelSpec.Builtin.mlp();
    Replica replica = Replica.create(spec, UpdaterSpec.adam(1e-3), 42, train, batch);
    System.out.printf(Locale.ROOT, "# %s, batch %d: dense step %s, fused Adam %s%n", model, batch,
        replica.usesDenseStep(), replica.usesFusedAdam());
    int[] idx = new int[batch];
    ShardPlan plan = ShardPlan.of(42, 1, train.size(), batch);
    int[] next = {0};
    Runnable step = () -> {
      int n = plan.indices(next[0]++ % plan.steps(), 0, 1, idx);
      replica.computeGradient(idx, n);
      replica.applyGradient(n);
    };
    for (int i = 0; i < 400; i++) {
      step.run();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long me = Thread.currentThread().getId();
    if (mode.equals("ops")) {
      Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
      OpProfiler.getInstance().reset();
    }
    String before = mode.equals("objects") ? histogram() : null;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long bytes0 = threads.getThreadAllocatedBytes(me);
    for (int i = 0; i < steps; i++) {
      step.run();
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long bytes = threads.getThreadAllocatedBytes(me) - bytes0;
    String after = mode.equals("objects") ? histogram() : null;
    System.out.printf(Locale.ROOT, "steps %d: main-thread cpu %.3f ms/step, java heap %d bytes/step%n", steps,
        cpu / 1e6 / steps, bytes / steps);
    if (mode.equals("ops")) {
      System.out.printf(Locale.ROOT, "ND4J ops per step: %.1f%n",
          OpProfiler.getInstance().getInvocationsCount() / (double) steps);
      OpProfiler.getInstance().printOutDashboard();
    } else {
      printDiff(before, after, steps);
    }
  }

  private static String histogram() throws Exception {
    return (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[] {"-all"}}, new String[] {String[].class.getName()});
  }

  /** Instances and bytes per class in a class histogram. */
  private static Map<String, long[]> parse(String histogram) {
    Map<String, long[]> m = new HashMap<>();
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return m;
  }

  private static void printDiff(String before, String after, int steps) {
    Map<String, long[]> b = parse(before);
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, long[]> e : parse(after).entrySet()) {
      long[] old = b.getOrDefault(e.getKey(), new long[2]);
      long count = e.getValue()[0] - old[0];
      if (count > 0) {
        grown.add(Map.entry(e.getKey(), new long[] {count, e.getValue()[1] - old[1]}));
        total += count;
      }
    }
    grown.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
    System.out.printf(Locale.ROOT, "objects allocated per step: %.1f (if a GC ran meanwhile, these are wrong)%n",
        total / (double) steps);
    for (int i = 0; i < Math.min(40, grown.size()); i++) {
      System.out.printf(Locale.ROOT, "%9.1f %9.0f B  %s%n", grown.get(i).getValue()[0] / (double) steps,
          grown.get(i).getValue()[1] / (double) steps, grown.get(i).getKey());
    }
  }
}
