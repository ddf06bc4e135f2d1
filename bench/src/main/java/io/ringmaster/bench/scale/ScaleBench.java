package io.ringmaster.bench.scale;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's control plane with 100, 300 and 1,000 simulated workers (issue 7, "Scale"): see
 * {@link ScaleScenario} for what one run measures. With two {@code --tree}s (e.g. before and after a
 * change) the runs alternate per worker count and the table has a column per run. Prints the table and
 * writes it, with each run's coordinator log (and at 1,000 workers a class histogram of its heap while
 * training), under {@code --out}.
 *
 * <p>Usage: see {@link ScaleOptions#USAGE}; {@code bench/scale.sh} builds what it needs and runs this.
 */
public final class ScaleBench {
  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    ScaleOptions options;
    try {
      options = ScaleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Files.createDirectories(options.out());
    PrintWriter progress = ScaleScenario.stdout();
    List<String> labels = new ArrayList<>();
    for (int t = 0; t < options.trees().size(); t++) {
      labels.add(options.trees().size() == 1 ? "run" : (t == 0 ? "A" : "B"));
      progress.printf("%s = %s%n", labels.get(t), options.trees().get(t));
    }
    progress.printf("load average at the start: %s", Files.readString(Path.of("/proc/loadavg")));
    List<ScaleResult> results = new ArrayList<>();
    for (ScaleOptions.Run run : options.runs()) {
      String label = labels.get(run.tree());
      Path dir = options.out().resolve(label + "-" + run.workers());
      results.add(new ScaleScenario(options, options.trees().get(run.tree()), label, run.workers(), dir, progress)
          .run());
      progress.printf("load average: %s", Files.readString(Path.of("/proc/loadavg")));
    }
    String table = ScaleResult.table(results);
    progress.println();
    progress.print(table);
    Files.writeString(options.out().resolve("summary.txt"), table, StandardCharsets.UTF_8);
    progress.println("written to " + options.out().resolve("summary.txt"));
    System.exit(0); // gRPC's shared event loops are non-daemon
  }
}
