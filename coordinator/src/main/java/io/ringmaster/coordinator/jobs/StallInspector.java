package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.StallReport;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Names the ranks a synchronous step is waiting for, as Horovod's stall inspector does. Ranks that wait
 * in the ring's all-reduce for too long send {@link StallReport}s; a rank that is hung, stopped or still
 * busy outside the ring sends none. So, for one step, the culprits are the ranks that did not report
 * while others did (once they have had time to report), plus any rank a neighbour says has not even
 * started the step. Pure; fed by the job driver, tested as a table.
 */
final class StallInspector {
  /** What to tell the user, and whom to evict (empty until the stall timeout). */
  record Verdict(Set<Integer> culprits, Set<Integer> waiting, long waitedMs, boolean evict) {}

  /** Ranks report every ~1-2 s while waiting: a rank is only suspect for its silence after this much. */
  static final long REPORT_PERIOD_MS = 2_500;

  private final long warningMs;
  private final long timeoutMs;
  private long generation = -1;
  private int epoch = -1;
  private long step = -1;
  private final Map<Integer, StallReport> reports = new TreeMap<>();

  StallInspector(long warningMs, long timeoutMs) {
    this.warningMs = warningMs;
    this.timeoutMs = timeoutMs;
  }

  /** Forget everything (the ring changed, or training moved on). */
  void reset() {
    reports.clear();
    generation = -1;
  }

  /**
   * Records {@code report} from {@code rank} of a ring of {@code worldSize}; returns the verdict when the
   * step has waited at least the warning time and some rank can be named, else null.
   */
  Verdict report(int rank, StallReport report, int worldSize) {
    if (report.getGeneration() != generation || report.getEpoch() != epoch || report.getStep() != step) {
      reports.clear();
      generation = report.getGeneration();
      epoch = report.getEpoch();
      step = report.getStep();
    }
    reports.put(rank, report);
    long waited = reports.values().stream().mapToLong(StallReport::getWaitingMs).max().orElse(0);
    if (waited < warningMs) {
      return null;
    }
    Set<Integer> culprits = new TreeSet<>();
    if (waited >= warningMs + REPORT_PERIOD_MS || reports.size() == worldSize - 1) {
      for (int r = 0; r < worldSize; r++) {
        if (!reports.containsKey(r)) {
          culprits.add(r); // it has been silent long enough while the others wait
        }
      }
    }
    for (StallReport s : reports.values()) {
      if (!s.getNeighbourStarted()) {
        culprits.addAll(s.getWaitingForList());
      }
    }
    if (culprits.isEmpty()) {
      return null; // everyone is waiting on everyone: nobody to name yet
    }
    Set<Integer> waiting = new TreeSet<>(reports.keySet());
    waiting.removeAll(culprits);
    return new Verdict(culprits, waiting, waited, waited >= timeoutMs);
  }
}
