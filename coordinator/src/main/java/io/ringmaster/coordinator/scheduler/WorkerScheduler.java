package io.ringmaster.coordinator.scheduler;

/**
 * Obtains worker processes for jobs. Implementations: {@link LocalProcessScheduler} (worker JVMs on this
 * machine), {@link ExternalScheduler} (workers started by hand attach on their own), and
 * {@code io.ringmaster.kubernetes.KubernetesScheduler} (worker pods; its own module); Spark later. Workers a scheduler starts attach to the coordinator with {@code Hello.job_id} set.
 */
public interface WorkerScheduler extends AutoCloseable {
  /** Starts {@code request.count()} workers for the job; returns without waiting for them to attach. */
  void launch(LaunchRequest request) throws SchedulerException;

  /** Stops every worker this scheduler started for the job, forcibly if they do not exit promptly. */
  void stop(String jobId);

  /**
   * Kills one worker of the job at once (it hung or stopped answering; SIGKILL also ends a SIGSTOPped
   * process). Does nothing for a pid this scheduler did not start.
   */
  default void evict(String jobId, long pid) {}

  /**
   * Kills one worker of the job, named by pid and by the slot it was launched as (a scheduler that cannot
   * know pids, such as Kubernetes, uses the slot). By default: {@link #evict(String, long)}.
   */
  default void evict(String jobId, long pid, int slot) {
    evict(jobId, pid);
  }

  /**
   * Gang admission of a queued job, asked before it leaves the queue (schedulers that launch workers
   * only): can all of its {@code spec.workers} workers be started now? A scheduler that cannot tell says
   * yes (the default). A job told to wait stays QUEUED with the reason in its message and is asked again
   * after {@link GangDecision#retryAfter()}.
   *
   * @param spec the job's resolved spec (workers, resources, placement)
   */
  default GangDecision admit(String jobId, io.ringmaster.job.spec.JobSpec spec) {
    return GangDecision.admit();
  }

  /** True when workers come from {@link #launch}; false when the coordinator must wait for idle ones. */
  boolean launchesWorkers();

  /** Stops everything this scheduler started. */
  @Override
  void close();
}
