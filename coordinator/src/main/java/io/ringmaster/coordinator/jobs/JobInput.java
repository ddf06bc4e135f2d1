package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerMessage;

/** The events a {@link JobLifecycle} handles: everything that can happen to a job, as plain data. */
sealed interface JobInput {

  /**
   * The job was admitted (or resumed after a coordinator restart).
   *
   * @param existingWorkerLogs worker log files already in the job's directory (slots are numbered after
   *     them, so a resumed job does not overwrite its old logs)
   * @param setupError non-null when the job's directory could not be prepared
   */
  record Start(Provenance provenance, int existingWorkerLogs, String setupError) implements JobInput {}

  /** A worker attached for this job (launched for it, or a free worker handed over by the manager). */
  record Attached(WorkerRef worker) implements JobInput {}

  /**
   * A whole gang of free workers handed over at once by gang admission: the same as one {@link Attached}
   * per worker, in this order, but handled as one event (the job's worker list is published once).
   */
  record AttachedGang(java.util.List<WorkerRef> workers) implements JobInput {}

  /** A message from a worker of this job (anything but Hello and Heartbeat). */
  record Message(WorkerRef worker, WorkerMessage message) implements JobInput {}

  /**
   * A heartbeat's {@link WorkerActivity}: what the worker says it is doing.
   *
   * @param receivedAtNanos when the coordinator received it (its monotonic clock): an activity received
   *     before the job last sent a command describes the worker before that command, and is not counted
   *     by the no-progress watchdog however late the job's thread reads it
   */
  record Activity(WorkerRef worker, WorkerActivity activity, long receivedAtNanos) implements JobInput {
    /** An activity read as soon as it was received. */
    Activity(WorkerRef worker, WorkerActivity activity) {
      this(worker, activity, Long.MAX_VALUE);
    }
  }

  /** A worker's control stream ended. */
  record Detached(WorkerRef worker, String why) implements JobInput {}

  /** A worker process the scheduler started for this job exited. */
  record Exited(WorkerExit exit) implements JobInput {}

  /** A worker sent nothing, not even a heartbeat, for longer than {@code faultTolerance.workerTimeoutS}. */
  record Unresponsive(WorkerRef worker, long silentMillis) implements JobInput {}

  /** The scheduler refused to start workers. */
  record LaunchFailed(FailureReason reason, String message) implements JobInput {}

  /**
   * The scheduler could not place the job's whole gang in time and removed the workers it had started
   * (pods Pending as Unschedulable past the gang timeout); {@code reason} is the scheduler's.
   */
  record GangReleased(String reason) implements JobInput {}

  /** A checkpoint of this job was stored. */
  record CheckpointStored(CheckpointRef ref) implements JobInput {}

  /** Something to tell the user (e.g. a corrupt checkpoint was skipped). */
  record Notice(String text) implements JobInput {}

  /** The user (or a coordinator without durable store shutting down) cancels the job. */
  record Cancel(String why) implements JobInput {}

  /** The coordinator shuts down cleanly: release the workers, keep the job's state for a restart. */
  record Suspend() implements JobInput {}

  /** A timer this job started fired; {@code token} tells a current timer from a cancelled one. */
  record TimerFired(JobTimer timer, long token) implements JobInput {}

  /** Handling an event (or carrying out its actions) threw: a bug; the job fails as INTERNAL. */
  record InternalError(String what) implements JobInput {}
}
