package io.ringmaster.coordinator.workers;

import io.ringmaster.job.devices.NativeBuild;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The hand-started workers (attached without a job id) the coordinator knows, with each one's last
 * heartbeat and whether a job holds it. It decides which workers may be handed to a job; it does not
 * talk to workers or jobs.
 *
 * <p><b>States of a worker.</b>
 * <pre>
 *   attached ──heartbeat──▶ free and fresh ──reserve──▶ reserved ──release──▶ free ...
 *       │                       │  ▲                        │
 *       │             silent    │  │ heartbeat              │
 *       │                       ▼  │                        │
 *       │                   free but stale                  │
 *       └──────────────── remove (stream ended, evicted, dropped) ◀─┘   (from any state)
 * </pre>
 * A worker is <i>fresh</i> for a job when it sent a heartbeat after attaching and its newest heartbeat is
 * at most that job's worker timeout old. Only free, fresh workers are handed out: a worker that attached
 * but never beat, or whose link is cut, is never chosen. A removed worker is forgotten; when the same
 * process attaches again it is a new entry that must beat before it can be chosen.
 *
 * <p>Gangs are all or nothing: {@link #reserveGang} reserves every worker a job needs or none. Workers
 * are chosen longest-free first, so that work spreads over the pool.
 *
 * <p><b>One ND4J build per gang.</b> Each worker carries the key of the ND4J native build it loaded
 * ({@link io.ringmaster.job.devices.NativeBuild}; {@code unknown} for a worker that did not say). Replicas
 * on different builds round differently and diverge, so a gang is taken from one build only: the build
 * whose longest-free worker has waited longest among the builds with enough free workers. A replacement
 * ({@link #reserveOne}) is only taken from the build of the ring it joins.
 *
 * <p>Not thread-safe: the owner (the job manager) calls it under its own lock. Time comes from the
 * injected monotonic clock (nanoseconds).
 *
 * @param <W> the worker handle; compared with {@code equals} (sessions compare by identity)
 */
public final class FreeWorkerPool<W> {
  private static final long NEVER = Long.MIN_VALUE;

  private static final class Entry {
    final long attachedAtNanos;
    final String build;
    long lastHeartbeatNanos = NEVER;
    boolean reserved;

    Entry(long attachedAtNanos, String build) {
      this.attachedAtNanos = attachedAtNanos;
      this.build = build;
    }

    boolean fresh(long now, long withinNanos) {
      return lastHeartbeatNanos != NEVER && now - lastHeartbeatNanos <= withinNanos;
    }

    /** Silence so far: since the last heartbeat, or since attaching if none came yet. */
    long silentNanos(long now) {
      return now - (lastHeartbeatNanos == NEVER ? attachedAtNanos : lastHeartbeatNanos);
    }
  }

  private final LongSupplier nanoClock;
  /** Every known worker; free ones in the order they became free (longest-free first). */
  private final LinkedHashMap<W, Entry> workers = new LinkedHashMap<>();

  public FreeWorkerPool(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** A worker that did not report its ND4J build attached without a job id (see {@link #attached(Object, String)}). */
  public void attached(W worker) {
    attached(worker, NativeBuild.UNKNOWN);
  }

  /**
   * A worker attached without a job id, running ND4J native build {@code build} (its
   * {@link NativeBuild#of} key): known, free, but not fresh until its first heartbeat.
   */
  public void attached(W worker, String build) {
    workers.putIfAbsent(worker, new Entry(nanoClock.getAsLong(), build));
  }

  /**
   * Records a heartbeat. Returns true when this made a free worker eligible that was not before (its
   * first heartbeat, or the first after a silence longer than {@code freshWithinNanos}), so the caller
   * knows when another hand-out round may succeed.
   */
  public boolean heartbeat(W worker, long freshWithinNanos) {
    Entry e = workers.get(worker);
    if (e == null) {
      return false;
    }
    long now = nanoClock.getAsLong();
    boolean wasFresh = e.fresh(now, freshWithinNanos);
    e.lastHeartbeatNanos = now;
    return !e.reserved && !wasFresh;
  }

  /** Forgets a worker (its stream ended, it was evicted, or it was dropped as silent). */
  public void remove(W worker) {
    workers.remove(worker);
  }

  /** A job let go of the worker: it is free again, at the back of the line. */
  public void release(W worker) {
    Entry e = workers.remove(worker);
    if (e != null) {
      e.reserved = false;
      workers.put(worker, e);
    }
  }

  /**
   * Reserves {@code count} free workers of one ND4J build, each fresh within {@code freshWithinNanos}, or
   * none at all. Longest-free first: the build whose longest-free worker has waited longest among those
   * with {@code count} free workers, and that build's longest-free workers.
   */
  public Optional<List<W>> reserveGang(int count, long freshWithinNanos) {
    if (count <= 0) {
      return Optional.of(new ArrayList<>());
    }
    Map<String, List<W>> byBuild = new LinkedHashMap<>(); // builds in the order of their longest-free worker
    for (W w : eligible(Integer.MAX_VALUE, freshWithinNanos)) {
      byBuild.computeIfAbsent(workers.get(w).build, b -> new ArrayList<>()).add(w);
    }
    for (List<W> of : byBuild.values()) {
      if (of.size() >= count) {
        List<W> chosen = new ArrayList<>(of.subList(0, count));
        chosen.forEach(c -> workers.get(c).reserved = true);
        return Optional.of(chosen);
      }
    }
    return Optional.empty();
  }

  /**
   * Reserves one free worker of ND4J build {@code build} fresh within {@code freshWithinNanos} (a
   * replacement for a ring of that build), if there is one.
   */
  public Optional<W> reserveOne(long freshWithinNanos, String build) {
    for (W w : eligible(Integer.MAX_VALUE, freshWithinNanos)) {
      Entry e = workers.get(w);
      if (e.build.equals(build)) {
        e.reserved = true;
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** The ND4J build key a known worker attached with; {@code null} for a worker not in the pool. */
  public String buildOf(W worker) {
    Entry e = workers.get(worker);
    return e == null ? null : e.build;
  }

  /** Free workers silent (no heartbeat, or none since attaching) for longer than {@code silentNanos}. */
  public List<W> silentFree(long silentNanos) {
    long now = nanoClock.getAsLong();
    List<W> out = new ArrayList<>();
    for (Map.Entry<W, Entry> e : workers.entrySet()) {
      if (!e.getValue().reserved && e.getValue().silentNanos(now) > silentNanos) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Every worker known: free or reserved, fresh or not. */
  public int known() {
    return workers.size();
  }

  /** Free workers fresh within {@code freshWithinNanos}, of any build. */
  public int ready(long freshWithinNanos) {
    return eligible(Integer.MAX_VALUE, freshWithinNanos).size();
  }

  /** Free workers of build {@code build} fresh within {@code freshWithinNanos}: how many a ring of it could get. */
  public int ready(long freshWithinNanos, String build) {
    return (int) eligible(Integer.MAX_VALUE, freshWithinNanos).stream()
        .filter(w -> workers.get(w).build.equals(build)).count();
  }

  /**
   * Free workers fresh within {@code freshWithinNanos} counted per ND4J build, builds sorted by name:
   * what a gang could be made of now.
   */
  public SortedMap<String, Integer> readyByBuild(long freshWithinNanos) {
    SortedMap<String, Integer> out = new TreeMap<>();
    for (W w : eligible(Integer.MAX_VALUE, freshWithinNanos)) {
      out.merge(workers.get(w).build, 1, Integer::sum);
    }
    return out;
  }

  public boolean contains(W worker) {
    return workers.containsKey(worker);
  }

  public boolean isReserved(W worker) {
    Entry e = workers.get(worker);
    return e != null && e.reserved;
  }

  private List<W> eligible(int max, long freshWithinNanos) {
    long now = nanoClock.getAsLong();
    List<W> out = new ArrayList<>();
    for (Map.Entry<W, Entry> e : workers.entrySet()) {
      if (out.size() == max) {
        break;
      }
      if (!e.getValue().reserved && e.getValue().fresh(now, freshWithinNanos)) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
