package io.ringmaster.bench.multihost;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.testhosts.HostProcess;
import io.ringmaster.testhosts.NetworkHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multi-host benchmark ({@code bench/multihost.sh}, issue 9): four hosts made of network namespaces
 * ({@link NetworkHosts}), host 1 for the coordinator, hosts 2-4 for workers, every link capped with htb at
 * each rate asked for (1 and 10 Gbit/s by default). At each cap, in one run: raw TCP with iperf3 (host 2
 * to host 3), the gRPC ring all-reduce's bus bandwidth with 2 and 3 ranks (one process per host, {@link
 * RingRank}), and MLP and LeNet samples/s of real jobs with 2 and 3 workers (a coordinator and three
 * long-lived workers, {@link TrainingCluster}). With {@code --rounds=N} everything is measured N times with
 * the caps in alternating order and the median is reported. Everything made is removed at the end, also
 * on failure ({@link NetworkHosts#close}; a shutdown hook if the JVM is stopped).
 *
 * <p>Bus bandwidth = bytes x 2(N-1)/N / time (NCCL's convention): what each rank sends and receives, to
 * compare with one direction of a link. The hosts share this machine's cores: at 10 Gbit/s the CPU, not the
 * cap, is likely the limit, which the iperf3 column shows.
 */
public final class MultiHostBench {
  private static final Pattern RESULT = Pattern.compile("^RESULT (\\d+) (\\d+) (\\d+) (\\d+)$", Pattern.MULTILINE);
  private static final int MIB = 1 << 20;
  static final String MEAN = "mean of back-to-back calls";

  private MultiHostBench() {}

  public static void main(String[] args) throws Exception {
    MultiHostOptions o = MultiHostOptions.parse(args);
    String why = NetworkHosts.unavailableBecause();
    if (why != null) {
      System.err.println("multihost benchmark: " + why);
      System.exit(2);
    }
    String noIperf = Iperf.unavailableBecause();
    if (noIperf != null) {
      System.out.println("# raw TCP column missing: " + noIperf);
    }
    Files.createDirectories(o.out());
    Map<String, List<Double>> results = new LinkedHashMap<>();
    try (NetworkHosts net = NetworkHosts.create(4, o.out().resolve("logs"))) {
      Files.writeString(o.out().resolve("hosts-suffix"), net.suffix()); // for the script's clean-up if killed
      System.out.println("# " + net + "; hosts 2-4 run the ranks and workers, host 1 the coordinator");
      List<NetworkHosts.Host> workerHosts = net.hosts().subList(1, 4);
      try (TrainingCluster cluster = TrainingCluster.start(net, net.host(1), workerHosts, o.out(), 1024)) {
        int port = 7100;
        for (int round = 0; round < o.rounds(); round++) {
          for (String rate : o.ratesInRound(round)) {
            for (NetworkHosts.Host h : net.hosts()) {
              net.limit(h, rate);
            }
            String tag = rate + "-r" + (round + 1);
            if (noIperf == null) {
              double tcp = Iperf.megabytesPerSecond(net, net.host(2), net.host(3), o.iperfSeconds(), tag);
              record(results, rate, "TCP (iperf3) MB/s", tcp);
            }
            for (int n : o.workers()) {
              Map<Integer, long[]> times = allReduce(net, workerHosts.subList(0, n), port, o, tag + "-n" + n);
              port += 10;
              for (int mib : o.sizesMiB()) {
                double bytes = (double) mib * MIB * 2 * (n - 1) / n;
                record(results, rate, "all-reduce " + mib + " MiB, " + n + " ranks: bus MB/s",
                    bytes / (times.get(mib)[0] / 1e9) / 1e6);
                record(results, rate, "all-reduce " + mib + " MiB, " + n + " ranks: bus MB/s, " + MEAN,
                    bytes / (times.get(mib)[1] / 1e9) / 1e6);
              }
            }
            for (String model : o.models()) {
              for (int n : o.workers()) {
                Job j = cluster.run(jobYaml(model, n, o), o.out(), Duration.ofMinutes(20));
                EpochMetrics last = j.getEpochs(j.getEpochsCount() - 1);
                record(results, rate, model + ", " + n + " workers: samples/s (last epoch)", last.getSamplesPerS());
                System.out.printf(Locale.ROOT, "# %s %s n=%d: %.0f samples/s, test accuracy %.4f%n", tag, model, n,
                    last.getSamplesPerS(), last.getTestAccuracy());
              }
            }
          }
        }
      }
    }
    String summary = summary(results, o);
    System.out.println(summary);
    Files.writeString(o.out().resolve("summary.md"), summary);
  }

  /**
   * Runs one {@link RingRank} per host; returns rank 0's median call time and the mean over its back-to-back
   * timed calls, per size, ns.
   */
  private static Map<Integer, long[]> allReduce(NetworkHosts net, List<NetworkHosts.Host> hosts, int port,
      MultiHostOptions o, String tag) throws IOException, InterruptedException {
    List<String> peers = new ArrayList<>();
    for (NetworkHosts.Host h : hosts) {
      peers.add(h.address() + ":" + port);
    }
    String sizes = String.join(",", o.sizesMiB().stream().map(String::valueOf).toList());
    List<HostProcess> ranks = new ArrayList<>();
    for (int r = 0; r < hosts.size(); r++) {
      int maxMiB = o.sizesMiB().stream().mapToInt(Integer::intValue).max().orElse(1);
      ranks.add(net.start(hosts.get(r), "allreduce-" + tag + "-rank" + r, List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
          "-XX:MaxDirectMemorySize=" + (4 * maxMiB + 256) + "m",
          "-Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled", "-cp", NetworkHosts.classpath(),
          RingRank.class.getName(), String.valueOf(r), String.join(",", peers), sizes,
          String.valueOf(o.warmup()), String.valueOf(o.iterations()))));
    }
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      for (HostProcess p : ranks) {
        while (!p.log().contains("DONE")) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("all-reduce rank " + p + " did not finish:\n" + p.logTail(40));
          }
          Thread.sleep(200); // poll the rank's output
        }
      }
      Map<Integer, long[]> times = new LinkedHashMap<>();
      Matcher m = RESULT.matcher(ranks.get(0).log());
      while (m.find()) {
        times.put(Integer.parseInt(m.group(1)), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(4))});
      }
      return times;
    } finally {
      ranks.forEach(HostProcess::kill);
    }
  }

  static String jobYaml(String model, int workers, MultiHostOptions o) {
    Path data = model.equals("mlp") ? o.mlpData() : o.lenetData();
    String architecture = model.equals("mlp") ? "{architecture: mlp, hidden: [256, 128], activation: relu}"
        : "{architecture: lenet}";
    return """
        name: bench-%s-%d
        model: %s
        data:
          train: {path: %s, labels: %s}
          test: {path: %s, labels: %s}
        epochs: %d
        batchSize: 128
        updater: {type: adam, learningRate: 0.001}
        seed: 42
        workers: %d
        """.formatted(model, workers, architecture, data.resolve("train-images.idx").toAbsolutePath(),
        data.resolve("train-labels.idx").toAbsolutePath(), data.resolve("test-images.idx").toAbsolutePath(),
        data.resolve("test-labels.idx").toAbsolutePath(), o.epochs(), workers);
  }

  private static void record(Map<String, List<Double>> results, String rate, String what, double value) {
    results.computeIfAbsent(what + "\u0000" + rate, k -> new ArrayList<>()).add(value);
  }

  /**
   * A markdown table: one row per figure, one column per cap (median over rounds), and each all-reduce's
   * mean bus bandwidth also as a fraction of iperf3's TCP rate at the same cap.
   */
  static String summary(Map<String, List<Double>> results, MultiHostOptions o) {
    StringBuilder b = new StringBuilder("| figure | " + String.join(" | ", o.rates()) + " |\n|---|"
        + "---|".repeat(o.rates().size()) + "\n");
    List<String> figures = results.keySet().stream().map(k -> k.substring(0, k.indexOf('\u0000'))).distinct().toList();
    for (String f : figures) {
      b.append("| ").append(f).append(" |");
      for (String rate : o.rates()) {
        List<Double> v = results.get(f + "\u0000" + rate);
        b.append(' ').append(v == null ? "-" : format(median(v))).append(" |");
      }
      b.append('\n');
      if (f.startsWith("all-reduce") && f.endsWith(MEAN)) {
        b.append("| ").append(f.replace("bus MB/s, " + MEAN, "bus (mean) / TCP")).append(" |");
        for (String rate : o.rates()) {
          List<Double> v = results.get(f + "\u0000" + rate);
          List<Double> tcp = results.get("TCP (iperf3) MB/s\u0000" + rate);
          b.append(' ').append(v == null || tcp == null ? "-"
              : String.format(Locale.ROOT, "%.2f", median(v) / median(tcp))).append(" |");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String format(double d) {
    return String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.1f", d);
  }
}
