package io.ringmaster.bench.scale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ScaleBench} measures: worker counts, the coordinators to compare (source trees, each built
 * with {@code cli/target/lib}), timings.
 *
 * @param workers simulated worker counts, one run each (per tree)
 * @param trees source trees whose coordinator is measured; with two, runs alternate A B / B A per count
 * @param epochSeconds how long a simulated epoch lasts
 * @param windowSeconds length of the idle and the training CPU windows
 * @param workersPerConnection simulated workers sharing one gRPC connection (1: one each, like processes)
 * @param trainSamples rows of the generated training CSV; {@code testSamples} of the test CSV
 * @param out where logs, histograms and the summary go
 */
record ScaleOptions(List<Integer> workers, List<Path> trees, int epochSeconds, int windowSeconds,
    int workersPerConnection, int trainSamples, int testSamples, Path out) {

  static final String USAGE = "usage: ScaleBench [--workers 100,300,1000] [--tree DIR]... [--epoch-s 5]"
      + " [--window-s 15] [--per-connection 1] [--train 60000] [--test 10000] [--out DIR]";

  ScaleOptions {
    if (workers.isEmpty() || workers.stream().anyMatch(n -> n < 3)) {
      throw new IllegalArgumentException("--workers must list counts >= 3 (a cut and a silent worker leave "
          + "survivors), got " + workers);
    }
    if (trees.isEmpty() || trees.size() > 2) {
      throw new IllegalArgumentException("--tree: one or two source trees, got " + trees.size());
    }
    for (Path t : trees) {
      if (!Files.isExecutable(t.resolve("ringmaster")) || !Files.isDirectory(t.resolve("cli/target/lib"))) {
        throw new IllegalArgumentException("--tree " + t + ": no built CLI there (expected " + t.resolve("ringmaster")
            + " and " + t.resolve("cli/target/lib") + "); build it with `mvn -o -q -B -DskipTests package -pl cli"
            + " -am` in that tree");
      }
    }
    if (epochSeconds < 1 || windowSeconds < 1 || workersPerConnection < 1 || trainSamples < 1 || testSamples < 1) {
      throw new IllegalArgumentException("--epoch-s, --window-s, --per-connection, --train and --test must be >= 1");
    }
  }

  static ScaleOptions parse(String... args) {
    List<Integer> workers = List.of(100, 300, 1000);
    List<Path> trees = new ArrayList<>();
    int epochS = 5;
    int windowS = 15;
    int perConnection = 1;
    int train = 60_000;
    int test = 10_000;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
      }
      String v = args[++i];
      switch (flag) {
        case "--workers" -> {
          List<Integer> w = new ArrayList<>();
          for (String s : v.split(",")) {
            w.add(number(flag, s.strip()));
          }
          workers = w;
        }
        case "--tree" -> trees.add(Path.of(v).toAbsolutePath().normalize());
        case "--epoch-s" -> epochS = number(flag, v);
        case "--window-s" -> windowS = number(flag, v);
        case "--per-connection" -> perConnection = number(flag, v);
        case "--train" -> train = number(flag, v);
        case "--test" -> test = number(flag, v);
        case "--out" -> out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown argument " + flag + "; " + USAGE);
      }
    }
    if (trees.isEmpty()) {
      trees.add(Path.of("").toAbsolutePath());
    }
    if (out == null) {
      out = Path.of("bench/results/scale-" + System.currentTimeMillis());
    }
    return new ScaleOptions(List.copyOf(workers), List.copyOf(trees), epochS, windowS, perConnection, train, test,
        out);
  }

  private static int number(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects a number, got '" + v + "'");
    }
  }

  /**
   * The order of the runs: for each worker count, every tree; with two trees the order alternates (A B,
   * then B A) so that drifting load on the machine does not favour one.
   */
  List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      for (int t = 0; t < trees.size(); t++) {
        int tree = i % 2 == 0 ? t : trees.size() - 1 - t;
        runs.add(new Run(tree, workers.get(i)));
      }
    }
    return runs;
  }

  /** One coordinator run: which tree (index into {@code trees}) with how many workers. */
  record Run(int tree, int workers) {}
}
