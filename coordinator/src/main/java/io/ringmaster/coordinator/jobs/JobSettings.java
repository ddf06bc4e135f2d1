package io.ringmaster.coordinator.jobs;

import java.time.Duration;

/**
 * Coordinator-wide limits and timings that jobs run under.
 *
 * @param maxConcurrentJobs jobs that may be STARTING or RUNNING at once; the rest wait QUEUED
 * @param maxQueuedJobs QUEUED jobs beyond which submissions are refused (RESOURCE_EXHAUSTED)
 * @param maxWorkersPerJob largest {@code spec.workers} accepted
 * @param heartbeatInterval how often workers send a heartbeat
 * @param heartbeatTimeout silence after which a worker is declared lost
 * @param workerStartTimeout how long launched workers may take to attach and report Ready
 * @param failureGrace how long to wait for a dying worker's exit code before failing the job anyway
 * @param noProgressTimeout the absolute bound on a job that waits for its workers (Ready, steps,
 *     EpochResult, ModelSaved) without any progress message: it then fails with
 *     {@code FAILURE_REASON_NO_PROGRESS} naming what it waited for; default
 *     {@value #DEFAULT_NO_PROGRESS_TIMEOUT_S} s (longer than any step or evaluation should take)
 * @param idleHeartbeats consecutive heartbeats in which every live ring member reports that it runs no
 *     command for the job's ring (WAITING, no job, another job or generation) while the coordinator waits
 *     for an answer, after which the ring is re-formed; default {@value #DEFAULT_IDLE_HEARTBEATS}
 * @param maxIdleRecoveries such re-formations without a completed step before the job fails with
 *     {@code FAILURE_REASON_NO_PROGRESS}; default {@value #DEFAULT_MAX_IDLE_RECOVERIES}
 */
public record JobSettings(int maxConcurrentJobs, int maxQueuedJobs, int maxWorkersPerJob,
    Duration heartbeatInterval, Duration heartbeatTimeout, Duration workerStartTimeout,
    Duration failureGrace, Duration noProgressTimeout, int idleHeartbeats, int maxIdleRecoveries) {

  public static final long DEFAULT_NO_PROGRESS_TIMEOUT_S = 600;
  public static final int DEFAULT_IDLE_HEARTBEATS = 5;
  public static final int DEFAULT_MAX_IDLE_RECOVERIES = 3;

  public static final JobSettings DEFAULTS = new JobSettings(1, 100, 64, Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofSeconds(180), Duration.ofSeconds(3));

  /** The given limits and timings with the no-progress watchdog's defaults. */
  public JobSettings(int maxConcurrentJobs, int maxQueuedJobs, int maxWorkersPerJob, Duration heartbeatInterval,
      Duration heartbeatTimeout, Duration workerStartTimeout, Duration failureGrace) {
    this(maxConcurrentJobs, maxQueuedJobs, maxWorkersPerJob, heartbeatInterval, heartbeatTimeout,
        workerStartTimeout, failureGrace, Duration.ofSeconds(DEFAULT_NO_PROGRESS_TIMEOUT_S),
        DEFAULT_IDLE_HEARTBEATS, DEFAULT_MAX_IDLE_RECOVERIES);
  }

  /** The same settings with another no-progress watchdog. */
  public JobSettings withWatchdog(Duration noProgressTimeout, int idleHeartbeats, int maxIdleRecoveries) {
    return new JobSettings(maxConcurrentJobs, maxQueuedJobs, maxWorkersPerJob, heartbeatInterval,
        heartbeatTimeout, workerStartTimeout, failureGrace, noProgressTimeout, idleHeartbeats, maxIdleRecoveries);
  }

  public JobSettings {
    if (maxConcurrentJobs < 1 || maxQueuedJobs < 0 || maxWorkersPerJob < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("heartbeatTimeout must be at least twice heartbeatInterval");
    }
    if (noProgressTimeout.isNegative() || noProgressTimeout.isZero() || idleHeartbeats < 1 || maxIdleRecoveries < 0) {
      throw new IllegalArgumentException("noProgressTimeout must be positive, idleHeartbeats >= 1 and"
          + " maxIdleRecoveries >= 0; got " + noProgressTimeout + ", " + idleHeartbeats + ", " + maxIdleRecoveries);
    }
  }
}
