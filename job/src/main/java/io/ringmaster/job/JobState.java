package io.ringmaster.job;

/**
 * Lifecycle of a job. Any non-terminal state may move to {@link #FAILED} or {@link #CANCELLED}.
 *
 * <pre>
 * QUEUED -> STARTING -> RUNNING -> SUCCEEDED
 *   ^          \          ^  |
 *   |           \         |  v
 *   |            +---> RECOVERING
 *   +--- STARTING | RECOVERING: the scheduler could not place all the workers (requeued)
 *    (any non-terminal) -> FAILED | CANCELLED
 * </pre>
 */
public enum JobState {
  /**
   * Accepted and stored, waiting for capacity (a free slot under the coordinator's concurrent-job
   * limit, and for the Kubernetes scheduler room in the cluster for every worker at once). Not terminal.
   * Moved on by the coordinator's admission loop to STARTING; a STARTING (or, after a coordinator
   * restart, RECOVERING) job whose workers could not all be placed in time comes back here, holding no
   * workers, with the scheduler's reason in its message.
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
  CANCELLED,
  /**
   * Re-forming the ring after workers were lost (or replacements joined), or resuming after the
   * coordinator restarted. Not terminal. Training resumes from the last step every survivor completed
   * (or from the newest checkpoint after a coordinator restart); moves to RUNNING when the new ring is
   * ready; to FAILED when fewer than {@code faultTolerance.minWorkers} workers remain after the
   * replacement timeout.
   */
  RECOVERING;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** Whether the state machine allows moving from this state to {@code next}. */
  public boolean canMoveTo(JobState next) {
    if (isTerminal()) {
      return false;
    }
    return switch (next) {
      case FAILED, CANCELLED -> true;
      case STARTING -> this == QUEUED;
      case RUNNING -> this == STARTING || this == RECOVERING;
      case SUCCEEDED -> this == RUNNING;
      case RECOVERING -> this == STARTING || this == RUNNING || this == RECOVERING;
      case QUEUED -> this == STARTING || this == RECOVERING;
    };
  }

  public io.ringmaster.proto.v1.JobState toProto() {
    return io.ringmaster.proto.v1.JobState.valueOf(name());
  }

  public static JobState fromProto(io.ringmaster.proto.v1.JobState s) {
    return valueOf(s.name());
  }
}
