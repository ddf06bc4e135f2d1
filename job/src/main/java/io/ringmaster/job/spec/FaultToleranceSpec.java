package io.ringmaster.job.spec;

/**
 * What happens when workers die or stall. Zero (or negative) values mean "use the default"; the
 * defaults are resolved against the job's worker count by {@link #resolve(int)}.
 *
 * @param minWorkers fewest live workers the job keeps training with (default 1); below it the job
 *     waits up to {@code replacementTimeoutS} for replacements, then fails
 * @param maxWorkers most workers the job may have (default: {@code spec.workers})
 * @param maxReplacements replacement workers the scheduler may start over the job's life (default
 *     2 x workers; 0 disables replacements); -1 means "default"
 * @param replacementTimeoutS seconds to wait below {@code minWorkers} (default 120)
 * @param checkpointEverySteps checkpoint every K steps as well as at epoch ends (default 0: epoch ends)
 * @param skipNonFiniteSteps skip steps with NaN/Inf loss or gradient instead of failing (default false)
 * @param workerTimeoutS silence after which a worker is dead, seconds (default 6)
 * @param stallWarningS a step waiting this long names the ranks it waits for (default 5)
 * @param stallTimeoutS a step waiting this long evicts them (default 30)
 */
public record FaultToleranceSpec(int minWorkers, int maxWorkers, int maxReplacements, int replacementTimeoutS,
    int checkpointEverySteps, boolean skipNonFiniteSteps, double workerTimeoutS, double stallWarningS,
    double stallTimeoutS) {

  public static final int DEFAULT_REPLACEMENT_TIMEOUT_S = 120;
  public static final double DEFAULT_WORKER_TIMEOUT_S = 6;
  public static final double DEFAULT_STALL_WARNING_S = 5;
  public static final double DEFAULT_STALL_TIMEOUT_S = 30;

  /** Everything unset: the defaults. */
  public static final FaultToleranceSpec DEFAULTS = new FaultToleranceSpec(0, 0, -1, 0, 0, false, 0, 0, 0);

  /** The same settings with every default filled in for a job of {@code workers} workers. */
  public FaultToleranceSpec resolve(int workers) {
    return new FaultToleranceSpec(
        minWorkers > 0 ? minWorkers : 1,
        maxWorkers > 0 ? maxWorkers : workers,
        maxReplacements >= 0 ? maxReplacements : 2 * workers,
        replacementTimeoutS > 0 ? replacementTimeoutS : DEFAULT_REPLACEMENT_TIMEOUT_S,
        Math.max(0, checkpointEverySteps),
        skipNonFiniteSteps,
        workerTimeoutS > 0 ? workerTimeoutS : DEFAULT_WORKER_TIMEOUT_S,
        stallWarningS > 0 ? stallWarningS : DEFAULT_STALL_WARNING_S,
        stallTimeoutS > 0 ? stallTimeoutS : DEFAULT_STALL_TIMEOUT_S);
  }
}
