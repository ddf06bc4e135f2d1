package io.ringmaster.bench.recovery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fault-tolerance benchmark runs: the job (model, data, workers, epochs, batch, seed), the
 * checkpoint intervals to compare, how many rounds, and the seed of the kills.
 *
 * @param rounds rounds; each round runs one undisturbed job per checkpoint interval and
 *     {@code killsPerRound} disturbed jobs
 * @param killsPerRound disturbed jobs (one worker killed in each) per round
 * @param checkpointIntervals values of {@code faultTolerance.checkpointEverySteps}; must contain 0 (the
 *     baseline: checkpoints at epoch ends only)
 * @param chaosSeed seed of the {@link java.util.Random} that picks the rank and step of each kill
 * @param workers worker processes per job
 * @param epochs epochs per job
 * @param batch global batch size
 * @param hidden sizes of the MLP's hidden layers
 * @param trainSeed the jobs' {@code seed} (initial parameters and shuffles), the same for every job
 * @param dataDir directory holding Fashion-MNIST's four IDX files (gzipped)
 * @param runDir the coordinator's data directory (job store, logs, checkpoints); null means a temporary
 *     directory deleted at the end
 * @param jobTimeout how long one job may take before the benchmark cancels it and reports it
 */
public record BenchOptions(int rounds, int killsPerRound, List<Integer> checkpointIntervals, long chaosSeed,
    int workers, int epochs, int batch, List<Integer> hidden, long trainSeed, Path dataDir, Path runDir,
    Duration jobTimeout) {

  static final String USAGE = """
      usage: RecoveryBench [--rounds 3] [--kills-per-round 2] [--checkpoint-every 0,50,10] [--seed S]
                           [--workers 3] [--epochs 2] [--batch 128] [--hidden 128] [--train-seed 42]
                           [--job-timeout-min 15] [--data /usr/share/datasets/fashion-mnist] [--run-dir DIR]
        --rounds            rounds (default 3); a round is one undisturbed job per checkpoint interval and
                            --kills-per-round jobs (default 2) with a worker killed (kill -9) at a random step
        --checkpoint-every  checkpoint intervals in steps, comma-separated, must include 0 (epoch ends only)
        --seed              seed of the kills (random rank, epoch and step); default: from the clock, printed
        --run-dir           keep the coordinator's data (logs, checkpoints, job store) there; default: a
                            temporary directory, deleted at the end""";

  public BenchOptions {
    checkpointIntervals = List.copyOf(checkpointIntervals);
    hidden = List.copyOf(hidden);
    if (rounds < 1 || killsPerRound < 0) {
      throw new IllegalArgumentException("--rounds must be >= 1 and --kills-per-round >= 0, got " + rounds + " and "
          + killsPerRound);
    }
    if (!checkpointIntervals.contains(0)) {
      throw new IllegalArgumentException("--checkpoint-every must include 0 (the baseline: epoch ends only), got "
          + checkpointIntervals);
    }
    if (checkpointIntervals.stream().anyMatch(k -> k < 0)) {
      throw new IllegalArgumentException("--checkpoint-every values must be >= 0, got " + checkpointIntervals);
    }
    if (workers < 2) {
      throw new IllegalArgumentException("--workers must be >= 2 (one is killed and the others go on), got "
          + workers);
    }
    if (epochs < 1 || batch < workers) {
      throw new IllegalArgumentException("--epochs must be >= 1 and --batch >= --workers, got epochs " + epochs
          + ", batch " + batch);
    }
    if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("--hidden must list positive layer sizes, got " + hidden);
    }
  }

  /** Parses the command line; throws {@link IllegalArgumentException} naming the bad argument. */
  public static BenchOptions parse(String... args) {
    int rounds = 3;
    int kills = 2;
    List<Integer> ks = List.of(0, 50, 10);
    long chaosSeed = System.nanoTime();
    int workers = 3;
    int epochs = 2;
    int batch = 128;
    List<Integer> hidden = List.of(128);
    long trainSeed = 42;
    Path data = Path.of("/usr/share/datasets/fashion-mnist");
    Path runDir = null;
    Duration timeout = Duration.ofMinutes(15);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
      }
      String v = args[++i];
      try {
        switch (flag) {
          case "--rounds" -> rounds = Integer.parseInt(v);
          case "--kills-per-round" -> kills = Integer.parseInt(v);
          case "--checkpoint-every" -> ks = ints(v);
          case "--seed" -> chaosSeed = Long.parseLong(v);
          case "--workers" -> workers = Integer.parseInt(v);
          case "--epochs" -> epochs = Integer.parseInt(v);
          case "--batch" -> batch = Integer.parseInt(v);
          case "--hidden" -> hidden = ints(v);
          case "--train-seed" -> trainSeed = Long.parseLong(v);
          case "--job-timeout-min" -> timeout = Duration.ofMinutes(Long.parseLong(v));
          case "--data" -> data = Path.of(v);
          case "--run-dir" -> runDir = Path.of(v);
          default -> throw new IllegalArgumentException("unknown argument " + flag + "\n" + USAGE);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " expects a number (or a comma-separated list), got '" + v + "'\n"
            + USAGE, e);
      }
    }
    for (String f : JobSpecs.DATA_FILES) {
      if (!Files.isReadable(data.resolve(f))) {
        throw new IllegalArgumentException("no readable " + data.resolve(f) + ": install Fashion-MNIST "
            + "(apt-get install dataset-fashion-mnist) or pass --data DIR holding " + JobSpecs.DATA_FILES);
      }
    }
    return new BenchOptions(rounds, kills, ks, chaosSeed, workers, epochs, batch, hidden, trainSeed, data, runDir,
        timeout);
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }
}
