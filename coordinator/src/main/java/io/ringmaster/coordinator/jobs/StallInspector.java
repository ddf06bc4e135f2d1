package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.StallReport;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names the ranks a synchronous step is waiting for, as Horovod's stall inspector does. Ranks that wait
 * in the ring's all-reduce for too long send {@link StallReport}s every couple of seconds; a rank that is
 * hung, stopped or busy outside the ring sends none. Ranks of one ring can legitimately be one step apart
 * (a rank that received the whole sum moves on while its neighbours still wait), so reports are not
 * matched by step: every rank that reported recently is waiting, hence not to blame; the culprits are the
 * ranks that stayed silent while the others waited (once they have had time to report), plus a rank a
 * neighbour at the same step says has not even started it. Pure (the caller passes the time); fed by the
 * job driver, tested as a table.
 */
final class StallInspector {
  /** What to tell the user, and whether to evict the culprits now. */
  record Verdict(Set<Integer> culprits, Set<Integer> waiting, long step, long waitedMs, boolean evict) {}

  /** Ranks report every ~1-2 s while waiting: a rank is only suspect for its silence after this much. */
  static final long REPORT_PERIOD_MS = 2_500;

  private record Seen(StallReport report, long atMs) {}

  private final long warningMs;
  private final long timeoutMs;
  private long generation = -1;
  private final Map<Integer, Seen> reports = new HashMap<>();

  StallInspector(long warningMs, long timeoutMs) {
    this.warningMs = warningMs;
    this.timeoutMs = timeoutMs;
  }

  /** Forget everything (the ring changed, or a new epoch started). */
  void reset() {
    reports.clear();
    generation = -1;
  }

  /**
   * Records {@code report} from {@code rank} of a ring of {@code worldSize}, received at {@code nowMs};
   * returns the verdict when the ring has waited at least the warning time and some rank can be named,
   * else null.
   */
  Verdict report(int rank, StallReport report, int worldSize, long nowMs) {
    if (report.getGeneration() != generation) {
      reports.clear();
      generation = report.getGeneration();
    }
    reports.put(rank, new Seen(report, nowMs));
    reports.values().removeIf(s -> nowMs - s.atMs() > 2 * REPORT_PERIOD_MS); // it moved on since
    long waited = 0;
    long step = Long.MAX_VALUE;
    for (Seen s : reports.values()) {
      // how long it has waited by now
      waited = Math.max(waited, s.report().getWaitingMs() + (nowMs - s.atMs()));
      step = Math.min(step, s.report().getStep());
    }
    if (waited < warningMs) {
      return null;
    }
    Set<Integer> culprits = new TreeSet<>();
    if (waited >= warningMs + REPORT_PERIOD_MS || reports.size() == worldSize - 1) {
      for (int r = 0; r < worldSize; r++) {
        if (!reports.containsKey(r)) {
          culprits.add(r); // silent long enough while the others wait
        }
      }
    }
    for (Seen s : reports.values()) {
      if (!s.report().getNeighbourStarted()) {
        culprits.addAll(s.report().getWaitingForList()); // it never began the step its neighbour waits in
      }
    }
    culprits.removeAll(reports.keySet()); // a rank that is waiting itself is not the one holding things up
    if (culprits.isEmpty()) {
      return null;
    }
    Set<Integer> waiting = new TreeSet<>(reports.keySet());
    return new Verdict(culprits, waiting, step, waited, waited >= timeoutMs);
  }
}
