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
 */
public record JobSettings(int maxConcurrentJobs, int maxQueuedJobs, int maxWorkersPerJob,
    Duration heartbeatInterval, Duration heartbeatTimeout, Duration workerStartTimeout,
    Duration failureGrace) {

  public static final JobSettings DEFAULTS = new JobSettings(1, 100, 64, Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofSeconds(180), Duration.ofSeconds(3));

  public JobSettings {
    if (maxConcurrentJobs < 1 || maxQueuedJobs < 0 || maxWorkersPerJob < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("heartbeatTimeout must be at least twice heartbeatInterval");
    }
  }
}
