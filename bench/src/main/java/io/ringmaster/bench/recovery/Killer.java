package io.ringmaster.bench.recovery;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches a job's events and, the first time its first ring (the generation of the first progress event)
 * reports progress at or past the plan's point, sends SIGKILL to the worker process holding the planned
 * rank. Kills at most once; never after a re-formation it did not cause.
 */
final class Killer implements JobWatch.Listener {
  private final KillPlan plan;
  private final AtomicReference<Kill> kill = new AtomicReference<>();
  private volatile String problem;
  private volatile long exitedMs;
  private long firstGeneration = -1;

  Killer(KillPlan plan) {
    this.plan = plan;
  }

  @Override
  public void onEvent(JobEvent e) {
    Job job = e.getJob();
    if (kill.get() != null || problem != null || e.getKind() != JobEvent.Kind.PROGRESS
        || job.getState() != JobState.JOB_STATE_RUNNING) {
      return;
    }
    if (firstGeneration < 0) {
      firstGeneration = job.getGeneration();
    }
    if (job.getGeneration() != firstGeneration) {
      problem = "the ring re-formed by itself (generation " + firstGeneration + " -> " + job.getGeneration()
          + ") before the planned step: not killing, the recovery would not be ours to time";
      return;
    }
    if (!plan.reachedBy(job.getProgress().getEpoch(), job.getProgress().getStep())) {
      return;
    }
    Optional<WorkerStatus> victim = job.getWorkersList().stream()
        .filter(w -> w.getRank() == plan.rank() && w.getState() == WorkerState.WORKER_ACTIVE && w.getPid() > 0)
        .findFirst();
    if (victim.isEmpty()) {
      problem = "no active worker with rank " + plan.rank() + " and a pid in " + job.getWorkersList();
      return;
    }
    long pid = victim.get().getPid();
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      problem = "rank " + plan.rank() + " pid " + pid + " is not running";
      return;
    }
    long now = System.currentTimeMillis();
    if (!process.get().destroyForcibly()) {
      problem = "SIGKILL of rank " + plan.rank() + " pid " + pid + " was refused";
      return;
    }
    kill.set(new Kill(plan.rank(), pid, job.getProgress().getEpoch(), job.getProgress().getStep(),
        job.getGeneration(), now));
    process.get().onExit().thenRun(() -> exitedMs = System.currentTimeMillis());
  }

  /**
   * Seconds from the SIGKILL until this JVM (which also hosts the coordinator and its scheduler) saw the
   * process exit; NaN if it was not seen (yet).
   */
  double exitedAfterS() {
    Kill k = kill.get();
    long exited = exitedMs;
    return k == null || exited == 0 ? Double.NaN : (exited - k.timeMs()) / 1000.0;
  }

  /** The kill, if it happened. */
  Optional<Kill> kill() {
    return Optional.ofNullable(kill.get());
  }

  /** Why the kill could not be done, if so. */
  Optional<String> problem() {
    return Optional.ofNullable(problem);
  }
}
