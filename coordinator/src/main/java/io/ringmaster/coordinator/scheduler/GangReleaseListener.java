package io.ringmaster.coordinator.scheduler;

/**
 * Told when a scheduler could not place all of a job's workers in time (pods Pending as
 * {@code Unschedulable} past the gang timeout) and removed every worker it had started for the job, so
 * that the job holds nothing while it waits: the job goes back to QUEUED with {@code reason} and is
 * admitted again later.
 */
@FunctionalInterface
public interface GangReleaseListener {
  void gangReleased(String reason);
}
