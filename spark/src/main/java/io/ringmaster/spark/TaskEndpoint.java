package io.ringmaster.spark;

import java.io.Serializable;

/**
 * What every barrier task needs from the driver, broadcast once: where the coordinator listens, which job
 * to attach to, and (DL4J drop-in) the model to continue from.
 *
 * @param coordinatorTarget host:port of the driver's embedded coordinator
 * @param jobId the job the tasks' workers serve (they attach with it and their partition id as slot)
 * @param workers the number of tasks in the stage (one worker each)
 * @param fault a failure to inject (tests only; {@link TaskFault#NONE} otherwise)
 * @param start the model every worker starts from when it starts fresh; null: the job's own initial model
 * @param planEpochOffset added to the job's epoch (1-based) to seed the partition-local shuffles ({@code
 *     PartitionPlan}): the drop-in runs one job per {@code fit} call, and the network's epoch counter keeps
 *     successive calls from repeating the same sample order
 */
public record TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, ModelStart start,
    int planEpochOffset) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** A job that trains its own initial model, shuffles seeded by its own epochs. */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault) {
    this(coordinatorTarget, jobId, workers, fault, null, 0);
  }
}
