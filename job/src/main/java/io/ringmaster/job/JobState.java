package io.ringmaster.job;

/**
 * Lifecycle of a job. Transitions only go forward (left to right), except that any non-terminal state
 * may move to {@link #FAILED} or {@link #CANCELLED}.
 *
 * <pre>
 * QUEUED -> STARTING -> RUNNING -> SUCCEEDED
 *    \__________\___________\____> FAILED | CANCELLED
 * </pre>
 */
public enum JobState {
  /**
   * Accepted and stored, waiting for capacity (a free slot under the coordinator's concurrent-job
   * limit). Not terminal. Moved on by the coordinator's admission loop to STARTING.
   */
  QUEUED,
  /**
   * Workers are being launched (or awaited), are loading data and building their replicas. Not
   * terminal. Moves to RUNNING when every rank reported Ready; to FAILED when a worker dies or cannot
   * be started.
   */
  STARTING,
  /**
   * Training epochs. Not terminal. Moves to SUCCEEDED after the last epoch's metrics and the saved
   * model arrive; to FAILED when a worker dies or reports a failure.
   */
  RUNNING,
  /** Terminal. Every epoch ran and the model was saved; {@code model_path} names it. */
  SUCCEEDED,
  /** Terminal. The job cannot finish; {@code message} says why and {@code reason} is a stable code. */
  FAILED,
  /** Terminal. A user cancelled it; its workers were stopped. */
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** Whether the state machine allows moving from this state to {@code next}. */
  public boolean canMoveTo(JobState next) {
    if (isTerminal()) {
      return false;
    }
    if (next == FAILED || next == CANCELLED) {
      return true;
    }
    return next.ordinal() == ordinal() + 1;
  }

  public io.ringmaster.proto.v1.JobState toProto() {
    return io.ringmaster.proto.v1.JobState.valueOf(name());
  }

  public static JobState fromProto(io.ringmaster.proto.v1.JobState s) {
    return valueOf(s.name());
  }
}
