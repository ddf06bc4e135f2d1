package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.workers.WorkerSession;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/** What a {@link JobDriver} needs from the coordinator around it. */
interface JobServices {
  JobStore store();

  JobEventHub hub();

  WorkerScheduler scheduler();

  ScheduledExecutorService timers();

  /** A new single thread for one job's events; the job's driver shuts it down when the job ends. */
  ExecutorService newJobThread(String jobId);

  JobSettings settings();

  /** Monotonic clock, nanoseconds. */
  LongSupplier nanoClock();

  /** Wall clock, Unix epoch milliseconds. */
  LongSupplier wallClock();

  /** host:port workers dial to reach this coordinator. */
  String coordinatorTarget();

  /**
   * The job gives up on this worker (silent, stalled, did not pause, its stream ended): the scheduler
   * kills its process if it started one, and the coordinator closes its session, so a worker that is
   * still alive must attach again before it is given any work.
   */
  void evict(String jobId, WorkerSession session);

  /** A worker attached for a job that does not need it (any more): tell it to go. */
  void releaseUnneeded(WorkerSession session, String jobId);

  /**
   * The job's gang could not be placed and the job is QUEUED again (stored and published): stop its
   * workers and queue it for another admission.
   */
  void jobRequeued(JobDriver driver, String reason);

  /** The driver reached a terminal state; {@code freed} workers may take other jobs. */
  void jobFinished(JobDriver driver, List<WorkerSession> freed);
}
