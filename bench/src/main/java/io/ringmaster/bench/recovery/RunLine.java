package io.ringmaster.bench.recovery;

import java.util.Locale;

/** One printed line per finished job, as the benchmark goes. */
final class RunLine {
  private RunLine() {}

  static String of(RunResult r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "round %d  %-6s %-10s %-9s", r.round(),
        r.disturbed() ? "kill" : "K=" + r.checkpointEvery(), r.job().getId(), io.ringmaster.job.JobState.shortName(r.job().getState())));
    if (r.succeeded()) {
      b.append(String.format(Locale.ROOT, " acc %6.2f%%  test loss %.10f  %,6.0f samples/s  %,5.0f per cpu-s"
          + "  epochs %5.1f s", 100 * r.accuracy(), r.testLoss(), r.samplesPerS(), r.samplesPerCpuS(),
          r.epochsWallS()));
    } else {
      b.append(" ").append(io.ringmaster.job.FailureReasons.display(r.job().getReason())).append(": ").append(r.job().getMessage());
    }
    b.append(String.format(Locale.ROOT, "  ckpt %d stored/%d skipped", r.checkpoints().stored(),
        r.checkpoints().skipped()));
    if (r.checkpoints().failed() > 0) {
      b.append("/").append(r.checkpoints().failed()).append(" failed");
    }
    b.append(String.format(Locale.ROOT, "  load %.2f", r.loadAtStart()));
    r.disturbance().ifPresent(d -> b.append("\n         ").append(describe(d, r)));
    return b.toString();
  }

  private static String describe(Disturbance d, RunResult r) {
    KillPlan p = d.plan();
    String planned = "planned rank " + p.rank() + " at epoch " + p.epoch() + " step " + p.step();
    if (d.kill().isEmpty()) {
      return planned + ": NO KILL: " + d.problem().orElse("?");
    }
    Kill k = d.kill().get();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%s: SIGKILL pid %d (rank %d) at epoch %d step %d", planned, k.pid(), k.rank(), k.epoch(), k.step()));
    d.timeline().ifPresent(t -> b.append(String.format(Locale.ROOT,
        "%n         exited %s s, detected %s s, ring re-formed %s s, running %s s, resumed %s s (epoch %d step %d,"
            + " %d workers, +%d steps), %d workers again %s s; %d ring(s) formed, %d recoveries, %d replacement(s)",
        s(t.exitedS()), s(t.detectedS()), s(t.reformedS()), s(t.runningS()), s(t.resumedS()), t.resumeEpoch(),
        t.resumeStep(), t.resumeWorkers(), t.stepsAtResume(), r.job().getSpec().getWorkers(), s(t.fullS()),
        t.generations(), r.recoveries(), r.job().getReplacements())));
    return b.toString();
  }

  static String s(double seconds) {
    return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.2f", seconds);
  }
}
