package io.ringmaster.bench.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The fault-tolerance benchmark of issue #3, all figures in one run: starts a coordinator in this JVM
 * (local scheduler: worker JVMs with this classpath), then for each round runs one undisturbed job per
 * checkpoint interval (their order rotates from round to round, so drifting load on the machine spreads
 * evenly) and some jobs whose worker of a random rank is killed with SIGKILL at a random step, and prints
 * a line per job and a summary table. See {@link BenchOptions#USAGE} for the flags; run it with
 * {@code bench/recovery.sh}.
 */
public final class RecoveryBench {
  private RecoveryBench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String loadAtStart = LoadAverage.text();
    System.out.printf("# recovery bench: %d round(s) x (%d undisturbed jobs, K = %s, + %d job(s) with a kill); "
            + "%d workers, MLP %s, batch %d, %d epochs, train seed %d, chaos seed %d%n", o.rounds(),
        o.checkpointIntervals().size(), o.checkpointIntervals(), o.killsPerRound(), o.workers(), o.hidden(),
        o.batch(), o.epochs(), o.trainSeed(), o.chaosSeed());
    System.out.printf("# machine: %d cores, java %s, load average %s; data %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAtStart, o.dataDir());
    boolean temporary = o.runDir() == null;
    Path runDir = temporary ? Files.createTempDirectory("ringmaster-recbench-") : o.runDir();
    System.out.println("# coordinator data (job store, worker logs, checkpoints): " + runDir
        + (temporary ? " (deleted at the end)" : ""));
    List<RunResult> results = new ArrayList<>();
    try (BenchCoordinator coordinator = BenchCoordinator.start(runDir)) {
      BenchRun run = new BenchRun(coordinator, o);
      Random chaos = new Random(o.chaosSeed());
      List<Integer> ks = o.checkpointIntervals();
      for (int round = 1; round <= o.rounds(); round++) {
        for (int i = 0; i < ks.size(); i++) {
          int k = ks.get((i + round - 1) % ks.size());
          results.add(print(run.undisturbed(round, k)));
        }
        for (int i = 0; i < o.killsPerRound(); i++) {
          results.add(print(run.disturbed(round, chaos)));
        }
      }
    } finally {
      if (temporary) {
        deleteTree(runDir);
      }
    }
    new Summary(o, results, System.out).print(loadAtStart);
  }

  private static RunResult print(RunResult r) {
    System.out.println(RunLine.of(r));
    System.out.flush();
    return r;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
