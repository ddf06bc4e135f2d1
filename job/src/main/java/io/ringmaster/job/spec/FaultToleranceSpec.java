package io.ringmaster.job.spec;

/**
 * What happens when workers die or stall. As given, a field left out holds its "unset" value (0, or -1
 * for {@code maxReplacements}); {@link JobSpecResolver} replaces every unset value by its default, resolved
 * against the job's worker count, and leaves every other value as it is for the validator to judge.
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

  public static final int DEFAULT_MIN_WORKERS = 1;
  public static final int DEFAULT_REPLACEMENT_TIMEOUT_S = 120;
  public static final double DEFAULT_WORKER_TIMEOUT_S = 6;
  public static final double DEFAULT_STALL_WARNING_S = 5;
  public static final double DEFAULT_STALL_TIMEOUT_S = 30;

  /** The "unset" value of {@code maxReplacements} (0 is a real value: no replacements). */
  public static final int UNSET_MAX_REPLACEMENTS = -1;
}
