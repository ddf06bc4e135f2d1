package io.ringmaster.spark;

import java.io.Serializable;

/**
 * What every barrier task needs from the driver, broadcast once: where the coordinator listens and
 * which job to attach to.
 *
 * @param coordinatorTarget host:port of the driver's embedded coordinator
 * @param jobId the job the tasks' workers serve (they attach with it and their partition id as slot)
 * @param workers the number of tasks in the stage (one worker each)
 * @param fault a failure to inject (tests only; {@link TaskFault#NONE} otherwise)
 * @param jobSecret the job's worker secret, which the tasks' workers present to the coordinator (it travels in
 *     Spark's broadcast: enable {@code spark.network.crypto.enabled} on a shared cluster); never printed
 */
public record TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, String jobSecret)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  public TaskEndpoint {
    jobSecret = jobSecret == null ? "" : jobSecret;
  }

  /** An endpoint without a job secret. */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault) {
    this(coordinatorTarget, jobId, workers, fault, "");
  }

  @Override
  public String toString() {
    return "TaskEndpoint[" + coordinatorTarget + ", job " + jobId + ", " + workers + " workers, fault " + fault
        + ", secret " + (jobSecret.isEmpty() ? "none" : "hidden") + "]";
  }
}
