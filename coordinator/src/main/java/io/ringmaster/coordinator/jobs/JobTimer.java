package io.ringmaster.coordinator.jobs;

/**
 * A named timer of one job. The {@link JobLifecycle} starts and cancels timers as actions; the
 * {@link JobDriver} runs them and feeds {@link JobInput.TimerFired} back with the token it was started
 * with, so a timer that fires after it was cancelled or restarted is recognised and ignored.
 *
 * @param worker the worker an {@link Kind#EXIT_GRACE} timer is about; null for the others
 */
record JobTimer(Kind kind, WorkerRef worker) {

  enum Kind {
    /** Launched workers must attach and report Ready within {@code JobSettings.workerStartTimeout}. */
    START,
    /** A failure reported by a peer waits this long for the rank that has the real cause. */
    FAILURE_GRACE,
    /** Members asked to pause must answer within max(10 s, 2 x workerTimeoutS); the silent are lost. */
    PAUSE,
    /** Below minWorkers: replacements must arrive within {@code faultTolerance.replacementTimeoutS}. */
    REPLACEMENT,
    /** A worker's stream ended: wait for its exit code up to {@code JobSettings.failureGrace}. */
    EXIT_GRACE,
    /** The absolute bound on a phase without any progress message ({@code JobSettings.noProgressTimeout}). */
    NO_PROGRESS
  }

  static JobTimer of(Kind kind) {
    return new JobTimer(kind, null);
  }
}
