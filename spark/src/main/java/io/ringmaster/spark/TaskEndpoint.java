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
 */
public record TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault) implements Serializable {
  private static final long serialVersionUID = 1L;
}
