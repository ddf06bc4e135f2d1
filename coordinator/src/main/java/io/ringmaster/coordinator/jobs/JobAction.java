package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import java.util.List;

/**
 * What a {@link JobLifecycle} asks the {@link JobDriver} to do, in order, after handling one event.
 * These are the only effects of the state machine on the world.
 */
sealed interface JobAction {

  /** Send a command (Assign, RunEpoch, Pause, SaveModel, Release) to a worker. */
  record Send(WorkerRef worker, CoordinatorMessage message) implements JobAction {}

  /** Ask the scheduler to start {@code count} workers, numbered from {@code firstSlot}. */
  record Launch(int firstSlot, int count) implements JobAction {}

  /** Give up on a worker: the scheduler kills its process, the coordinator closes its session. */
  record Evict(WorkerRef worker) implements JobAction {}

  /** Tell a worker this job does not need it (a free worker goes back to the pool). */
  record ReleaseUnneeded(WorkerRef worker) implements JobAction {}

  /** Start (or restart) a timer; it fires {@link JobInput.TimerFired} with this token. */
  record StartTimer(JobTimer timer, long delayMillis, long token) implements JobAction {}

  /** Cancel a timer if it runs. */
  record CancelTimer(JobTimer timer) implements JobAction {}

  /**
   * Publish an event to watchers; every kind but PROGRESS also stores the job.
   *
   * @param extra the event's fields beyond kind, job and time (epoch metrics, notice)
   */
  record Publish(JobEvent.Kind kind, Job job, JobEvent extra) implements JobAction {}

  /** Store the job without telling watchers (routine updates such as a new checkpoint). */
  record Store(Job job) implements JobAction {}

  /** The job reached a terminal state; {@code freed} workers may take other jobs. */
  record Finished(List<WorkerRef> freed) implements JobAction {}

  /**
   * The job's gang could not be placed: it is QUEUED again (stored and published before this action);
   * handle no more events, the manager queues the job for another admission.
   */
  record Requeued(String reason) implements JobAction {}

  /** The job was suspended for a coordinator shutdown: handle no more events. */
  record Suspended() implements JobAction {}
}
