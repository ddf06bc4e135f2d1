package io.ringmaster.worker;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The clocks and threads a {@link WorkerRuntime} runs on, injected so that tests can drive time and
 * threads (as the coordinator's {@code JobManager} takes its executor and clocks). Production code uses
 * {@link #system()}.
 *
 * @param nanoClock monotonic nanoseconds ({@link System#nanoTime}): step and op timeouts, stall waits,
 *     epoch durations, report throttles
 * @param wallClockMillis Unix epoch milliseconds ({@link System#currentTimeMillis}): only for values sent
 *     as wall time (the heartbeat's {@code time_ms}, a checkpoint's {@code created_at_ms})
 * @param jobThread runs every job command in order (Assign, RunEpoch, Pause answers, SaveModel, Release):
 *     it must be single-threaded, since ND4J workspaces belong to a thread
 * @param timer heartbeats, re-attaching to the coordinator, the collective service's pending-hello
 *     timeouts
 * @param uploads rank 0's background checkpoint uploads (one at a time is enough)
 *
 * <p>The runtime owns the executors it is given: {@link WorkerRuntime#close()} shuts them down.
 */
public record WorkerEnvironment(LongSupplier nanoClock, LongSupplier wallClockMillis, ExecutorService jobThread,
    ScheduledExecutorService timer, ExecutorService uploads) {
  public WorkerEnvironment {
    Objects.requireNonNull(nanoClock, "nanoClock");
    Objects.requireNonNull(wallClockMillis, "wallClockMillis");
    Objects.requireNonNull(jobThread, "jobThread");
    Objects.requireNonNull(timer, "timer");
    Objects.requireNonNull(uploads, "uploads");
  }

  /** The system clocks and fresh daemon threads named worker-job, worker-timer and checkpoint-upload. */
  public static WorkerEnvironment system() {
    return new WorkerEnvironment(System::nanoTime, System::currentTimeMillis,
        Executors.newSingleThreadExecutor(r -> daemon(r, "worker-job")),
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "worker-timer")),
        Executors.newSingleThreadExecutor(r -> daemon(r, "checkpoint-upload")));
  }

  /** Shuts every executor down now (the runtime is closing). */
  void shutdownNow() {
    timer.shutdownNow();
    jobThread.shutdownNow();
    uploads.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
