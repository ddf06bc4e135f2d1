package io.ringmaster.bench.recovery;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The compact table printed at the end: recovery times (median, min, max), throughput of each checkpoint
 * interval as a ratio to K = 0 within the same round, and the accuracy of disturbed against undisturbed
 * runs.
 */
final class Summary {
  private final BenchOptions options;
  private final List<RunResult> runs;
  private final PrintStream out;

  Summary(BenchOptions options, List<RunResult> runs, PrintStream out) {
    this.options = options;
    this.runs = List.copyOf(runs);
    this.out = out;
  }

  void print(String loadAtStart) {
    out.printf(Locale.ROOT, "%n== summary: %d round(s); %d workers, MLP %s, batch %d, %d epochs, train seed %d, "
            + "chaos seed %d%n", options.rounds(), options.workers(), options.hidden(), options.batch(),
        options.epochs(), options.trainSeed(), options.chaosSeed());
    out.printf(Locale.ROOT, "   load average (1/5/15 min): at start %s, at end %s; %d cores%n", loadAtStart,
        LoadAverage.text(), Runtime.getRuntime().availableProcessors());
    recovery();
    checkpointCost();
    accuracy();
  }

  private void recovery() {
    List<RecoveryTimeline> t = runs.stream().flatMap(r -> r.disturbance().stream())
        .flatMap(d -> d.timeline().stream()).toList();
    long attempted = runs.stream().filter(RunResult::disturbed).count();
    out.printf(Locale.ROOT, "%n1. kill -9 of a worker -> training resumed: seconds after the SIGKILL "
        + "(%d kill(s) in %d disturbed run(s))%n", t.size(), attempted);
    out.printf(Locale.ROOT, "   %-52s %7s %7s %7s %3s%n", "", "median", "min", "max", "n");
    row("process exit seen by the coordinator's JVM", t, RecoveryTimeline::exitedS);
    row("detected (coordinator names the pid lost)", t, RecoveryTimeline::detectedS);
    row("ring re-formed (\"ring generation N\" notice)", t, RecoveryTimeline::reformedS);
    row("all ranks ready, RunEpoch sent (state RUNNING)", t, RecoveryTimeline::runningS);
    row("TRAINING RESUMED (1st progress past the resume step)", t, RecoveryTimeline::resumedS);
    row("back at " + options.workers() + " workers (replacement trained a step)", t, RecoveryTimeline::fullS);
    Stats workers = Stats.of(t.stream().map(x -> (double) x.resumeWorkers()).toList());
    Stats steps = Stats.of(t.stream().map(x -> (double) x.stepsAtResume()).toList());
    out.printf(Locale.ROOT, "   resumed on %s worker(s); the first progress event came %s steps (median) after the "
        + "resume step (workers report every 300 ms)%n", fmt(workers.median(), "%.0f"), fmt(steps.median(), "%.0f"));
  }

  private void row(String label, List<RecoveryTimeline> t, ToDoubleFunction<RecoveryTimeline> f) {
    Stats s = Stats.of(t.stream().map(x -> f.applyAsDouble(x)).toList());
    out.printf(Locale.ROOT, "   %-52s %7s %7s %7s %3d%n", label, RunLine.s(s.median()), RunLine.s(s.min()),
        RunLine.s(s.max()), s.n());
  }

  private void checkpointCost() {
    out.printf(Locale.ROOT, "%n2. checkpoint cost: training samples per second of wall time (evaluation excluded) "
        + "and per CPU second%n   (workers + coordinator, epochs only); ratio = K / K=0 of the same round%n");
    out.printf(Locale.ROOT, "   %-8s %-26s %-22s %-24s %-22s %s%n", "K", "samples/s (min-max)", "ratio (min-max)",
        "per cpu-s (min-max)", "ratio (min-max)", "ckpts stored/skipped");
    for (int k : options.checkpointIntervals()) {
      List<RunResult> ofK = undisturbed(k);
      Stats stored = Stats.of(ofK.stream().map(r -> (double) r.checkpoints().stored()).toList());
      Stats skipped = Stats.of(ofK.stream().map(r -> (double) r.checkpoints().skipped()).toList());
      out.printf(Locale.ROOT, "   %-8s %-26s %-22s %-24s %-22s %s/%s%n", k == 0 ? "0 (ends)" : Integer.toString(k),
          range(Stats.of(ofK.stream().map(RunResult::samplesPerS).toList()), "%,.0f") + " n=" + ofK.size(),
          range(ratios(ofK, RunResult::samplesPerS), "%.3f"),
          range(Stats.of(ofK.stream().map(RunResult::samplesPerCpuS).toList()), "%,.0f"),
          range(ratios(ofK, RunResult::samplesPerCpuS), "%.3f"),
          fmt(stored.median(), "%.0f"), fmt(skipped.median(), "%.0f"));
    }
  }

  /** Each run's metric over the same round's K=0 run's. */
  private Stats ratios(List<RunResult> runsOfK, ToDoubleFunction<RunResult> metric) {
    List<Double> ratios = new ArrayList<>();
    for (RunResult r : runsOfK) {
      baseline(r.round()).ifPresent(b -> ratios.add(metric.applyAsDouble(r) / metric.applyAsDouble(b)));
    }
    return Stats.of(ratios);
  }

  private static String range(Stats s, String format) {
    return fmt(s.median(), format) + " (" + fmt(s.min(), format) + "-" + fmt(s.max(), format) + ")";
  }

  private void accuracy() {
    List<RunResult> quiet = runs.stream().filter(r -> !r.disturbed() && r.succeeded()).toList();
    List<RunResult> hit = runs.stream().filter(r -> r.disturbed() && r.succeeded()
        && r.disturbance().orElseThrow().kill().isPresent()).toList();
    out.printf(Locale.ROOT, "%n3. test accuracy after epoch %d, same seed (all checkpoint intervals count as "
        + "undisturbed)%n", options.epochs());
    Stats qa = Stats.of(quiet.stream().map(r -> 100 * r.accuracy()).toList());
    Set<Long> losses = new HashSet<>();
    quiet.forEach(r -> losses.add(Double.doubleToLongBits(r.testLoss())));
    out.printf(Locale.ROOT, "   undisturbed %2d run(s): accuracy %s%% (min %s, max %s); %d distinct test loss "
            + "value(s)%s%n", quiet.size(), fmt(qa.median(), "%.2f"), fmt(qa.min(), "%.2f"), fmt(qa.max(), "%.2f"),
        losses.size(), losses.size() == 1 && quiet.size() > 1 ? " (bit-identical runs)" : "");
    Stats ql = Stats.of(quiet.stream().map(RunResult::testLoss).toList());
    Stats da = Stats.of(hit.stream().map(r -> 100 * r.accuracy()).toList());
    Stats delta = Stats.of(hit.stream().map(r -> 100 * r.accuracy() - qa.median()).toList());
    Stats absDelta = Stats.of(hit.stream().map(r -> Math.abs(100 * r.accuracy() - qa.median())).toList());
    long identical = hit.stream().filter(r -> losses.contains(Double.doubleToLongBits(r.testLoss()))).count();
    out.printf(Locale.ROOT, "   disturbed   %2d run(s): accuracy %s%% (min %s, max %s); difference to the "
            + "undisturbed median: median %s points, largest |difference| %s points; %d of %d bit-identical to an "
            + "undisturbed run%n", hit.size(), fmt(da.median(), "%.2f"), fmt(da.min(), "%.2f"),
        fmt(da.max(), "%.2f"), fmt(delta.median(), "%+.2f"), fmt(absDelta.max(), "%.2f"), identical, hit.size());
    for (RunResult r : hit) {
      Kill k = r.disturbance().orElseThrow().kill().orElseThrow();
      boolean joined = r.disturbance().orElseThrow().timeline().map(t -> !Double.isNaN(t.fullS())).orElse(false);
      Optional<RunResult> base = baseline(r.round());
      out.printf(Locale.ROOT, "     round %d, rank %d killed at epoch %d step %d, %-36s acc %6.2f%% (%+.2f), "
              + "test loss %.10f (%+.1e); epochs %s s (%s vs the round's K=0)%n", r.round(), k.rank(), k.epoch(),
          k.step(), joined ? "a replacement joined and trained:" : "finished without the replacement:",
          100 * r.accuracy(), 100 * r.accuracy() - qa.median(), r.testLoss(), r.testLoss() - ql.median(),
          fmt(r.epochsWallS(), "%.1f"), base.map(b -> fmt(r.epochsWallS() - b.epochsWallS(), "%+.1f s")).orElse("-"));
    }
    List<Double> added = new ArrayList<>();
    for (RunResult r : hit) {
      baseline(r.round()).ifPresent(b -> added.add(r.epochsWallS() - b.epochsWallS()));
    }
    Stats lost = Stats.of(added);
    out.printf(Locale.ROOT, "   wall time of the epochs (training + evaluation + recovery): a kill added %s s "
            + "(median; min %s, max %s) to the same round's undisturbed K=0 run%n", fmt(lost.median(), "%+.1f"),
        fmt(lost.min(), "%+.1f"), fmt(lost.max(), "%+.1f"));
    long failed = runs.stream().filter(r -> !r.succeeded()).count();
    if (failed > 0) {
      out.printf(Locale.ROOT, "   %d run(s) did not succeed; see their lines above%n", failed);
    }
  }

  private List<RunResult> undisturbed(int k) {
    return runs.stream().filter(r -> !r.disturbed() && r.checkpointEvery() == k && r.succeeded()).toList();
  }

  private Optional<RunResult> baseline(int round) {
    return undisturbed(0).stream().filter(r -> r.round() == round).findFirst();
  }

  private static String fmt(double v, String format) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}
