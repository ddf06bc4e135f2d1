package io.ringmaster.spark;

import java.io.Serializable;

/**
 * A task failure to inject, for tests of the relaunch path: with {@code --conf
 * spark.ringmaster.test.failTask=P:E:S} the task of partition P, in the stage's first attempt only, stops its
 * worker and fails once the worker has completed S steps of epoch E, as a crashed executor would. Spark then
 * fails the barrier stage and relaunches it whole.
 *
 * @param partition the partition whose task fails; -1 for none
 * @param epoch the epoch (1-based) in which it fails
 * @param steps after how many completed steps of that epoch
 */
record TaskFault(int partition, int epoch, long steps) implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String CONF = "spark.ringmaster.test.failTask";
  static final TaskFault NONE = new TaskFault(-1, 0, 0);

  static TaskFault parse(String s) {
    if (s == null || s.isBlank()) {
      return NONE;
    }
    String[] p = s.trim().split(":");
    if (p.length != 3) {
      throw new IllegalArgumentException(CONF + " must be PARTITION:EPOCH:STEPS, got " + s);
    }
    return new TaskFault(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Long.parseLong(p[2]));
  }

  /** Whether the task of {@code partition} in stage attempt {@code stageAttempt} fails. */
  boolean appliesTo(int partition, int stageAttempt) {
    return this.partition == partition && stageAttempt == 0;
  }

  /** Whether a worker at (epoch, completed steps) has reached the point of failure. */
  boolean reached(int atEpoch, long completedSteps) {
    return atEpoch > epoch || (atEpoch == epoch && completedSteps >= steps);
  }
}
