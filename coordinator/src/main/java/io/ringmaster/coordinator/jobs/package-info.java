/**
 * Jobs on the coordinator: accepting them, running each through its life, and telling watchers.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link io.ringmaster.coordinator.jobs.JobManager}: the job layer's front. Validates submissions
 *       ({@code SpecChecker} into a {@code ValidatedJob}), stores and queues them, admits up to
 *       {@code JobSettings.maxConcurrentJobs}, resumes active jobs after a coordinator restart, keeps
 *       the pool of free (hand-started) workers, and routes every worker event (attach, message,
 *       heartbeat activity, detach, silence) to the driver of the job the worker belongs to.
 *   <li>{@code JobDriver}: one per active job, the effectful half. It owns the job's single thread (an
 *       executor the manager creates), turns worker sessions into {@code WorkerRef}s and everything that
 *       happens into {@code JobInput} events, and carries out the {@code JobAction}s it gets back: sends
 *       on worker streams, launches and evictions through the scheduler, timers on the shared
 *       {@code ScheduledExecutorService}, writes to the {@code JobStore}, events on the
 *       {@code JobEventHub}.
 *   <li>{@code JobLifecycle}: the job's state machine, events in and actions out, with its transition
 *       table and state diagram; no I/O, clocks injected. It decides everything: when the ring is formed
 *       and re-formed, what each worker is sent, when the job fails and why. Its helpers are pure too:
 *       {@code JobRoster} (ring members by rank, joiners, lost and departed workers; the ring's size),
 *       {@code RecoveryPlan} (who is in the next ring, where it resumes, where each member gets its
 *       replica), {@code StallInspector} (which ranks a stalled step waits for),
 *       {@code ProgressWatchdog} (a ring whose members all wait while the coordinator waits), and
 *       {@code EpochAggregator} (the ranks' results into one epoch's metrics, or a refusal).
 *   <li>{@code JobEventHub}: fans job events out to {@code WatchJob} streams, in order, snapshot first.
 * </ul>
 *
 * <h2>How an event flows</h2>
 * A worker's {@code EpochResult} arrives on its control stream ({@code WorkerControlService}), goes to
 * {@code JobManager.message}, which finds the job's driver; the driver queues it on the job's thread,
 * maps the session to its ref and calls {@code JobLifecycle.handle}. With every rank's result in, the
 * lifecycle combines them and returns, in order: publish EPOCH_FINISHED (the driver stores the job and
 * tells watchers), then send {@code RunEpoch} of the next epoch to every member, or {@code SaveModel}
 * to rank 0 after the last one. Timers come back the same way: the driver schedules a
 * {@code TimerFired} with the token the lifecycle gave it onto the job's thread, and the lifecycle
 * ignores a token it no longer holds. Because one thread handles all of a job's events, the lifecycle
 * needs no locks; readers get the immutable snapshot of the job as of the last event.
 */
package io.ringmaster.coordinator.jobs;
