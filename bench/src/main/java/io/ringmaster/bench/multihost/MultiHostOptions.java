package io.ringmaster.bench.multihost;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of {@link MultiHostBench}, from {@code --name=value} arguments.
 *
 * @param rates link caps, tc syntax ({@code 1gbit}), applied to every host's link in both directions
 * @param workers ring sizes measured (each at most 3: the benchmark makes a coordinator host and 3 more)
 * @param sizesMiB all-reduce vector sizes
 * @param warmup untimed all-reduce calls per size
 * @param iterations timed all-reduce calls per size (the median is reported)
 * @param iperfSeconds how long iperf3 sends
 * @param models which jobs to train: {@code mlp}, {@code lenet}
 * @param mlpData directory with train-images.idx, train-labels.idx, test-images.idx, test-labels.idx
 * @param lenetData the same for LeNet (a smaller slice: LeNet is ~40x slower per sample)
 * @param epochs epochs per job; the last one's samples/s is reported
 * @param rounds times the whole set is measured, caps alternating within each round
 * @param out where logs and the summary go
 */
record MultiHostOptions(List<String> rates, List<Integer> workers, List<Integer> sizesMiB, int warmup, int iterations,
    int iperfSeconds, List<String> models, Path mlpData, Path lenetData, int epochs, int rounds, Path out) {

  static MultiHostOptions parse(String... args) {
    List<String> rates = List.of("1gbit", "10gbit");
    List<Integer> workers = List.of(2, 3);
    List<Integer> sizes = List.of(4, 16);
    int warmup = 10;
    int iterations = 10;
    int iperfSeconds = 5;
    List<String> models = List.of("mlp", "lenet");
    Path mlp = null;
    Path lenet = null;
    int epochs = 2;
    int rounds = 1;
    Path out = Path.of("bench", "results", "multihost");
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || kv[1].isEmpty()) {
        throw new IllegalArgumentException("argument '" + a + "' is not --name=value; " + usage());
      }
      switch (kv[0]) {
        case "rates" -> rates = List.of(kv[1].split(","));
        case "workers" -> workers = ints(kv[1]);
        case "sizes" -> sizes = ints(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        case "iterations" -> iterations = Integer.parseInt(kv[1]);
        case "iperf-seconds" -> iperfSeconds = Integer.parseInt(kv[1]);
        case "models" -> models = List.of(kv[1].split(","));
        case "mlp-data" -> mlp = Path.of(kv[1]);
        case "lenet-data" -> lenet = Path.of(kv[1]);
        case "epochs" -> epochs = Integer.parseInt(kv[1]);
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "out" -> out = Path.of(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'; " + usage());
      }
    }
    if (workers.stream().anyMatch(n -> n < 2 || n > 3)) {
      throw new IllegalArgumentException("--workers: ring sizes 2 or 3 (there are 3 worker hosts), got " + workers);
    }
    if (models.stream().anyMatch(m -> !m.equals("mlp") && !m.equals("lenet"))) {
      throw new IllegalArgumentException("--models: mlp and/or lenet, got " + models);
    }
    if (models.contains("mlp") && mlp == null || models.contains("lenet") && lenet == null) {
      throw new IllegalArgumentException("--mlp-data=DIR and --lenet-data=DIR are needed for the models asked"
          + " (bench/multihost.sh writes them with bench/scripts/idx_slice.py)");
    }
    if (iterations < 1 || warmup < 0 || epochs < 1 || rounds < 1 || iperfSeconds < 1) {
      throw new IllegalArgumentException("need iterations >= 1, warmup >= 0, epochs >= 1, rounds >= 1,"
          + " iperf-seconds >= 1");
    }
    return new MultiHostOptions(rates, workers, sizes, warmup, iterations, iperfSeconds, models, mlp, lenet, epochs,
        rounds, out);
  }

  static String usage() {
    return "arguments: --rates=1gbit,10gbit --workers=2,3 --sizes=4,16 --warmup=10 --iterations=10 --iperf-seconds=5"
        + " --models=mlp,lenet --mlp-data=DIR --lenet-data=DIR --epochs=2 --rounds=1 --out=DIR";
  }

  /** The caps in the order round {@code round} (0-based) measures them: reversed every other round. */
  List<String> ratesInRound(int round) {
    if (round % 2 == 0) {
      return rates;
    }
    List<String> r = new java.util.ArrayList<>(rates);
    java.util.Collections.reverse(r);
    return r;
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }
}
