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

  /** The prefix of the proto enum's value names ({@code JOB_STATE_QUEUED}), which short names leave out. */
  private static final String PROTO_PREFIX = "JOB_STATE_";

  public io.ringmaster.proto.v1.JobState toProto() {
    for (io.ringmaster.proto.v1.JobState p : io.ringmaster.proto.v1.JobState.values()) {
      if (p != io.ringmaster.proto.v1.JobState.UNRECOGNIZED && shortName(p).equals(name())) {
        return p;
      }
    }
    throw new IllegalStateException("no proto JobState for " + this);
  }

  public static JobState fromProto(io.ringmaster.proto.v1.JobState s) {
    return valueOf(shortName(s));
  }

  /**
   * How a state is written for people and stored in columns: the proto value's name without the enum's
   * prefix ({@code QUEUED}, {@code RUNNING}, ...; {@code UNSPECIFIED}), whatever the proto spells.
   */
  public static String shortName(io.ringmaster.proto.v1.JobState s) {
    String n = s.name();
    return n.startsWith(PROTO_PREFIX) ? n.substring(PROTO_PREFIX.length()) : n;
  }

  /** The proto state named {@code text}, short or full, in any case ({@code failed}, {@code JOB_STATE_FAILED}). */
  public static java.util.Optional<io.ringmaster.proto.v1.JobState> parseProto(String text) {
    String upper = text.strip().toUpperCase(java.util.Locale.ROOT);
    for (io.ringmaster.proto.v1.JobState p : io.ringmaster.proto.v1.JobState.values()) {
      if (p != io.ringmaster.proto.v1.JobState.UNRECOGNIZED && (p.name().equals(upper) || shortName(p).equals(upper))) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }
}
