package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.workers.FreeWorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Gang admission of queued jobs to hand-started workers (external scheduler): a job gets workers only
 * when every worker it needs is free and fresh at once, and then gets all of them in one reservation
 * ({@link FreeWorkerPool#reserveGang}); a partial gang is never held. Meanwhile the job stays QUEUED and
 * its message says how many workers it needs, how many are free and how many are attached.
 *
 * <p><b>One ND4J build per gang.</b> A gang is made of workers that loaded the same ND4J native build
 * (the pool only reserves such gangs, {@link FreeWorkerPool#reserveGang}); when the free workers are of
 * several builds, the message counts them per build, so the user sees why enough free workers do not
 * start the job.
 *
 * <p><b>Start timeout.</b> A job fails ({@code FAILURE_REASON_WORKER_START_TIMEOUT}) when fewer workers
 * than it needs are attached at all (free or busy) for longer than {@code startTimeout}
 * ({@link JobSettings#workerStartTimeout()}): no amount of waiting for other jobs would start it. The
 * clock restarts whenever enough workers are attached again. A job that only waits for busy workers to
 * come free does not time out.
 *
 * <p><b>Order: FIFO with bounded backfill.</b> Jobs are considered in submission order. When the job at
 * the front cannot get its gang, a job behind it that can (a smaller one) may start in its place, but
 * only while every job before it has been queued for less than {@code backfillBound}: once a job has
 * waited that long, nothing behind it starts until it has started (or failed, or been cancelled), so
 * the workers that come free gather for it and a big job is not starved by a stream of small ones.
 * {@code maxConcurrentJobs} is applied by the caller through the number of free job slots.
 *
 * <p>Not thread-safe: the job manager calls it under the lock that guards its queue and the pool.
 */
final class GangAdmission<W> {
  /** A queued job as admission sees it. */
  record Waiting(String jobId, int workers, long workerTimeoutNanos, long queuedAtNanos) {}

  /** A job that got its whole gang (the workers are reserved in the pool). */
  record Admitted<W>(String jobId, List<W> gang) {}

  /** A job that cannot start: fewer workers attached than it needs for longer than the start timeout. */
  record TimedOut(String jobId, String message) {}

  /**
   * One admission round: jobs to start, jobs to fail, and the QUEUED message of every job still waiting.
   */
  record Round<W>(List<Admitted<W>> admitted, List<TimedOut> timedOut, Map<String, String> waiting) {}

  private final FreeWorkerPool<W> pool;
  private final LongSupplier nanoClock;
  private final Duration startTimeout;
  private final Duration backfillBound;
  /** Since when each waiting job has had fewer workers attached than it needs. */
  private final Map<String, Long> shortSince = new HashMap<>();

  GangAdmission(FreeWorkerPool<W> pool, LongSupplier nanoClock, Duration startTimeout, Duration backfillBound) {
    this.pool = pool;
    this.nanoClock = nanoClock;
    this.startTimeout = startTimeout;
    this.backfillBound = backfillBound;
  }

  /**
   * Runs one round over the queue ({@code queue} in submission order) with {@code slots} jobs allowed to
   * start. Admitted jobs' workers are reserved in the pool before this returns.
   */
  Round<W> round(List<Waiting> queue, int slots) {
    long now = nanoClock.getAsLong();
    List<Admitted<W>> admitted = new ArrayList<>();
    List<TimedOut> timedOut = new ArrayList<>();
    List<Waiting> left = new ArrayList<>();
    Map<String, String> behind = new HashMap<>();
    Set<String> present = new HashSet<>();
    String blocker = null;
    for (Waiting w : queue) {
      present.add(w.jobId());
      int known = pool.known();
      if (known >= w.workers()) {
        shortSince.remove(w.jobId());
      } else {
        long since = shortSince.computeIfAbsent(w.jobId(), id -> now);
        if (now - since >= startTimeout.toNanos()) {
          shortSince.remove(w.jobId());
          timedOut.add(new TimedOut(w.jobId(), "needs " + w.workers() + " worker(s) but only " + known
              + " worker(s) attached to the coordinator for " + seconds(now - since) + " s (start timeout "
              + startTimeout.toSeconds() + " s); start more workers with `ringmaster worker --coordinator "
              + "HOST:PORT` or submit the job with fewer workers"));
          continue;
        }
      }
      if (blocker == null && slots > 0) {
        var gang = pool.reserveGang(w.workers(), w.workerTimeoutNanos());
        if (gang.isPresent()) {
          admitted.add(new Admitted<>(w.jobId(), gang.get()));
          slots--;
          continue;
        }
      }
      left.add(w);
      if (blocker != null) {
        behind.put(w.jobId(), blocker);
      } else if (now - w.queuedAtNanos() >= backfillBound.toNanos()) {
        blocker = w.jobId(); // waited long enough: no job behind it may take workers first
      }
    }
    shortSince.keySet().retainAll(present);
    Map<String, String> waiting = new LinkedHashMap<>();
    for (Waiting w : left) { // after this round's reservations, so the counts are current
      waiting.put(w.jobId(), message(w, behind.get(w.jobId()), slots));
    }
    return new Round<>(admitted, timedOut, waiting);
  }

  private String message(Waiting w, String blocker, int slots) {
    String counts = counts(w);
    if (blocker != null) {
      return counts + "; queued behind job " + blocker + ", which waits for its workers first";
    }
    if (slots == 0) {
      return counts + "; all job slots are taken (the coordinator's maximum of concurrent jobs)";
    }
    return counts;
  }

  /**
   * "waiting for 3 worker(s): 2 free, 2 attached"; when the free workers run different ND4J builds, which
   * never share a ring, the free ones per build: "waiting for 2 worker(s) of one ND4J build: 1 cpu-avx2,
   * 1 cpu-generic free, 2 attached".
   */
  private String counts(Waiting w) {
    var byBuild = pool.readyByBuild(w.workerTimeoutNanos());
    if (byBuild.size() <= 1) {
      return "waiting for " + w.workers() + " worker(s): " + pool.ready(w.workerTimeoutNanos()) + " free, "
          + pool.known() + " attached";
    }
    StringBuilder b = new StringBuilder("waiting for ").append(w.workers()).append(" worker(s) of one ND4J build: ");
    String sep = "";
    for (var e : byBuild.entrySet()) {
      b.append(sep).append(e.getValue()).append(' ').append(e.getKey());
      sep = ", ";
    }
    return b.append(" free, ").append(pool.known()).append(" attached").toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }
}
