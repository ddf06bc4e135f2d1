package io.ringmaster.bench.libtorch;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.relu;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MaxPool2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A throwaway measurement for docs/ENGINE-ALTERNATIVES.md, not a Ringmaster engine: trains the MLP or LeNet (the
 * shapes of Ringmaster's built-ins) with libtorch through JavaCPP ({@code org.bytedeco:pytorch}), Adam 1e-3,
 * batch 128, one thread, and prints the {@code ENGINE}/{@code PHASES} lines bench/engine.sh reads. The batch is
 * gathered into a Java float[] and copied into a new tensor every step (what a worker fed by Ringmaster's
 * datasets would do); each step's native objects are freed by a {@link PointerScope}.
 *
 * <pre>LibtorchMain --model mlp|lenet --epochs 1 --train IMAGES,LABELS --test IMAGES,LABELS [--label libtorch-1]</pre>
 */
public final class LibtorchMain {
  private static final String[] PHASES = {"data", "forward", "backward", "allreduce", "update", "other"};

  private LibtorchMain() {}

  /** The MLP: 784-256-128-10, relu. */
  static final class Mlp extends Module {
    final LinearImpl fc1 = register_module("fc1", new LinearImpl(784, 256));
    final LinearImpl fc2 = register_module("fc2", new LinearImpl(256, 128));
    final LinearImpl out = register_module("out", new LinearImpl(128, 10));

    Tensor forward(Tensor x) {
      return out.forward(relu(fc2.forward(relu(fc1.forward(x.reshape(x.size(0), 784))))));
    }
  }

  /** LeNet as Ringmaster's built-in: identity convolutions, max-pool 2/2, dense 500 relu, 10. */
  static final class LeNet extends Module {
    final Conv2dImpl conv1 = register_module("conv1", new Conv2dImpl(1, 20, new LongPointer(5L, 5L)));
    final MaxPool2dImpl pool1 = register_module("pool1", new MaxPool2dImpl(new LongPointer(2L, 2L)));
    final Conv2dImpl conv2 = register_module("conv2", new Conv2dImpl(20, 50, new LongPointer(5L, 5L)));
    final MaxPool2dImpl pool2 = register_module("pool2", new MaxPool2dImpl(new LongPointer(2L, 2L)));
    final LinearImpl fc = register_module("fc", new LinearImpl(800, 500));
    final LinearImpl out = register_module("out", new LinearImpl(500, 10));

    Tensor forward(Tensor x) {
      Tensor h = pool2.forward(conv2.forward(pool1.forward(conv1.forward(x))));
      return out.forward(relu(fc.forward(h.reshape(h.size(0), 800))));
    }
  }

  /** Images as floats b/255 (rows of 784) and labels, from IDX files (plain or gzipped). */
  record Data(float[] x, long[] y, int n) {
    static Data load(String pair) throws IOException {
      String[] p = pair.split(",");
      byte[] images = idx(Path.of(p[0]));
      byte[] labels = idx(Path.of(p[1]));
      int n = labels.length;
      float[] x = new float[images.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (images[i] & 0xff) / 255f;
      }
      long[] y = new long[n];
      for (int i = 0; i < n; i++) {
        y[i] = labels[i] & 0xff;
      }
      return new Data(x, y, n);
    }

    private static byte[] idx(Path f) throws IOException {
      try (InputStream raw = Files.newInputStream(f);
          DataInputStream in = new DataInputStream(f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
        int magic = in.readInt();
        long size = 1;
        int count = in.readInt();
        size *= count;
        for (int d = 1; d < (magic & 0xff); d++) {
          size *= in.readInt();
        }
        return in.readNBytes((int) size);
      }
    }
  }

  public static void main(String[] args) throws IOException {
    String model = "mlp";
    int epochs = 1;
    int batch = 128;
    String train = null;
    String test = null;
    String label = "libtorch-1";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = args[++i];
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--train" -> train = args[++i];
        case "--test" -> test = args[++i];
        case "--label" -> label = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    torch.set_num_threads(1);
    torch.manual_seed(42);
    Data tr = Data.load(train);
    Data te = Data.load(test);
    boolean lenet = model.equals("lenet");
    Mlp mlp = lenet ? null : new Mlp();
    LeNet le = lenet ? new LeNet() : null;
    Module net = lenet ? le : mlp;
    Adam adam = new Adam(net.parameters(), new AdamOptions(1e-3));
    System.out.printf(Locale.ROOT, "# libtorch (org.bytedeco:pytorch %s) through JavaCPP, threads %d, model %s%n", org.bytedeco.pytorch.Module.class.getPackage().getImplementationVersion(),
        torch.get_num_threads(), model);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int features = 784;
    long[] shape = lenet ? new long[] {0, 1, 28, 28} : new long[] {0, 784};
    Random random = new Random(42);
    int[] order = new int[tr.n];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int epoch = 1; epoch <= epochs; epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      long[] wall = new long[PHASES.length];
      long[] cpu = new long[PHASES.length];
      long t0 = System.nanoTime();
      long c0 = mx.getCurrentThreadCpuTime();
      int steps = 0;
      float[] xs = new float[batch * features];
      long[] ys = new long[batch];
      for (int from = 0; from < tr.n; from += batch) {
        int n = Math.min(batch, tr.n - from);
        try (PointerScope scope = new PointerScope()) {
          long w = System.nanoTime();
          long c = mx.getCurrentThreadCpuTime();
          for (int k = 0; k < n; k++) {
            System.arraycopy(tr.x, order[from + k] * features, xs, k * features, features);
            ys[k] = tr.y[order[from + k]];
          }
          shape[0] = n;
          Tensor x = AbstractTensor.create(n == batch ? xs : java.util.Arrays.copyOf(xs, n * features), shape);
          Tensor y = AbstractTensor.create(n == batch ? ys : java.util.Arrays.copyOf(ys, n), n);
          long[] mark = {w, c};
          mark = phase(wall, cpu, 0, mark, mx);
          Tensor loss = cross_entropy(lenet ? le.forward(x) : mlp.forward(x), y);
          mark = phase(wall, cpu, 1, mark, mx);
          adam.zero_grad();
          loss.backward();
          mark = phase(wall, cpu, 2, mark, mx);
          adam.step();
          mark = phase(wall, cpu, 4, mark, mx);
        }
        steps++;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
      double accuracy = accuracy(lenet ? le::forward : mlp::forward, net, te, lenet);
      System.out.printf(Locale.ROOT, "ENGINE name=%s model=%s epoch=%d steps=%d samples=%d seconds=%.3f"
              + " samples_per_s=%.1f samples_per_cpu_s=%.1f test_acc=%.4f%n", label, model, epoch, steps, tr.n, seconds,
          tr.n / seconds, tr.n / cpuSeconds, accuracy);
      StringBuilder sb = new StringBuilder();
      long sw = 0;
      long sc = 0;
      for (int p = 0; p < PHASES.length; p++) {
        sw += wall[p];
        sc += cpu[p];
        sb.append(String.format(Locale.ROOT, " %s_wall_ms=%.3f %s_cpu_ms=%.3f", PHASES[p], wall[p] / 1e6 / steps,
            PHASES[p], cpu[p] / 1e6 / steps));
      }
      System.out.printf(Locale.ROOT, "PHASES name=%s model=%s epoch=%d steps=%d wall_ms=%.3f cpu_ms=%.3f%s wait_ms=0%n",
          label, model, epoch, steps, sw / 1e6 / steps, sc / 1e6 / steps, sb);
    }
  }

  private static long[] phase(long[] wall, long[] cpu, int p, long[] since, ThreadMXBean mx) {
    long w = System.nanoTime();
    long c = mx.getCurrentThreadCpuTime();
    wall[p] += w - since[0];
    cpu[p] += c - since[1];
    return new long[] {w, c};
  }

  private static double accuracy(java.util.function.Function<Tensor, Tensor> forward, Module net, Data te,
      boolean lenet) {
    net.eval();
    long correct = 0;
    int chunk = 256;
    for (int from = 0; from < te.n; from += chunk) {
      int n = Math.min(chunk, te.n - from);
      try (PointerScope scope = new PointerScope()) {
        float[] xs = java.util.Arrays.copyOfRange(te.x, from * 784, (from + n) * 784);
        Tensor x = AbstractTensor.create(xs, lenet ? new long[] {n, 1, 28, 28} : new long[] {n, 784});
        Tensor predicted = forward.apply(x).argmax(new LongOptional(1), false).contiguous();
        LongBuffer b = predicted.createBuffer();
        for (int k = 0; k < n; k++) {
          if (b.get(k) == te.y[from + k]) {
            correct++;
          }
        }
      }
    }
    net.train(true);
    return (double) correct / te.n;
  }
}
