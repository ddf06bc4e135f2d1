package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.WorkerActivity;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Notices a job that waits for its workers while they wait for it: the coordinator expects Ready,
 * EpochResult or ModelSaved, but every live ring member's heartbeat says it runs no command for this job
 * (WAITING, NO_JOB, or busy with another job or an older ring generation). That happens when a message was lost, a worker holds a
 * stale pause, or a coordinator that lost its workers got them back in a state it does not know. Pure:
 * time comes in as arguments; no I/O.
 *
 * <p>A member counts as idle after {@code idleHeartbeats} consecutive idle heartbeats; any other
 * activity (PREPARING, TRAINING, EVALUATING, SAVING for this job) or an unknown one (a worker that does
 * not report its activity) resets its count. {@link #expectationChanged()} (a command sent, a new phase)
 * and {@link #progressed(long)} (any answer) reset every count. The watchdog also remembers when the
 * job last made progress, for the absolute bound ({@link #silentNanos(long)}).
 *
 * <p>Cost: a heartbeat is O(1) unless at least as many workers have reached the idle count as there are
 * live members (only then are the live members checked one by one), so a job's heartbeats cost O(workers)
 * per interval, not O(workers²).
 */
final class ProgressWatchdog {
  private final int idleHeartbeats;
  private final Map<WorkerRef, Integer> idle = new HashMap<>();
  private final Map<WorkerRef, WorkerActivity> last = new HashMap<>();
  /** Workers whose idle count reached {@code idleHeartbeats} (a superset of the idle live members). */
  private final Set<WorkerRef> saturated = new HashSet<>();
  private long lastProgressNanos;

  ProgressWatchdog(int idleHeartbeats, long nowNanos) {
    if (idleHeartbeats < 1) {
      throw new IllegalArgumentException("idleHeartbeats must be >= 1, got " + idleHeartbeats);
    }
    this.idleHeartbeats = idleHeartbeats;
    this.lastProgressNanos = nowNanos;
  }

  /** The job made progress (a step, an answer): the absolute bound starts over, idle counts too. */
  void progressed(long nowNanos) {
    lastProgressNanos = nowNanos;
    idle.clear();
    saturated.clear();
  }

  /** The coordinator now waits for something else (a command was sent): idle counts start over. */
  void expectationChanged() {
    idle.clear();
    saturated.clear();
  }

  /** How long the job has gone without progress. */
  long silentNanos(long nowNanos) {
    return nowNanos - lastProgressNanos;
  }

  /**
   * Records one heartbeat's activity of a live member.
   *
   * @return true when every one of {@code live} has now been idle for {@code idleHeartbeats} heartbeats
   */
  boolean heartbeat(WorkerRef worker, WorkerActivity activity, String jobId, long generation,
      List<WorkerRef> live) {
    return heartbeat(worker, activity, jobId, generation, live.size(), () -> live);
  }

  /**
   * The same, for a caller that knows how many members are live and lists them only when asked: {@code live}
   * is called only when as many workers as {@code liveCount} have been idle long enough.
   */
  boolean heartbeat(WorkerRef worker, WorkerActivity activity, String jobId, long generation, int liveCount,
      Supplier<? extends Collection<WorkerRef>> live) {
    last.put(worker, activity);
    if (isIdle(activity, jobId, generation)) {
      if (idle.merge(worker, 1, Integer::sum) >= idleHeartbeats) {
        saturated.add(worker);
      }
    } else {
      idle.remove(worker);
      saturated.remove(worker);
    }
    if (liveCount == 0 || saturated.size() < liveCount) {
      return false;
    }
    for (WorkerRef w : live.get()) {
      if (idle.getOrDefault(w, 0) < idleHeartbeats) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs no command for this job's current ring: waits for one, holds no job, or works for another job
   * or another ring generation.
   */
  static boolean isIdle(WorkerActivity a, String jobId, long generation) {
    return switch (a.getKind()) {
      case NO_JOB, WAITING -> true;
      case KIND_UNSPECIFIED, UNRECOGNIZED -> false; // a worker that does not say: assume busy
      default -> !a.getJobId().equals(jobId) || a.getGeneration() != generation;
    };
  }

  /** "rank 0 WAITING (generation 3, epoch 2, step 0), rank 1 ...": the members' last reported activity. */
  String describe(List<WorkerRef> ring) {
    return java.util.stream.IntStream.range(0, ring.size()).mapToObj(r -> {
      WorkerActivity a = last.get(ring.get(r));
      if (a == null) {
        return "rank " + r + " no activity reported";
      }
      return String.format(Locale.ROOT, "rank %d %s (%sgeneration %d, epoch %d, step %d)", r,
          a.getKind().name(), a.getJobId().isEmpty() ? "" : "job " + a.getJobId() + ", ", a.getGeneration(),
          a.getEpoch(), a.getCompletedSteps());
    }).collect(Collectors.joining(", "));
  }
}
