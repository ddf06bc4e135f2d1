package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is in a job: the ring of the current generation by rank (lost members stay in their rank until the
 * next ring is formed), the attached joiners waiting for the next ring, and the workers that left for
 * good. Used by one thread (the job's); no I/O.
 *
 * <p>The ring's size ({@link #ringSize()}) is the number of live members: what status and the CLI show as
 * the job's worker count. Departed workers and joiners are listed in the job's {@code workers} but are
 * not counted.
 *
 * <p><b>Cost.</b> Every message and heartbeat of a job asks the roster for the sender's rank or whether it
 * is a live member, so those lookups are O(1) (a rank index by ref and a count of lost members, rebuilt
 * when a ring is formed): with a thousand workers a linear search per message was a million comparisons
 * per heartbeat interval. Joiners are inserted at their place in slot order instead of re-sorting the list.
 */
final class JobRoster {
  private final List<WorkerRef> ring = new ArrayList<>();
  /** Rank of each ring member (lost ones included). */
  private final Map<WorkerRef, Integer> rankOf = new HashMap<>();
  /** Worker ids of the ring's members. */
  private final Set<String> ringIds = new HashSet<>();
  private final Set<String> lost = new HashSet<>();
  /** How many of the ring's members are lost. */
  private int lostMembers;
  private final List<WorkerRef> joiners = new ArrayList<>();
  private final Set<WorkerRef> joinerSet = new HashSet<>();
  private final List<WorkerStatus> departed = new ArrayList<>();

  /** The ring by rank, lost members included. */
  List<WorkerRef> ring() {
    return List.copyOf(ring);
  }

  WorkerRef member(int rank) {
    return ring.get(rank);
  }

  /** Rank of {@code w} in the current ring (lost or not), or -1. */
  int rankOf(WorkerRef w) {
    return rankOf.getOrDefault(w, -1);
  }

  boolean isLiveMember(WorkerRef w) {
    return rankOf.containsKey(w) && !lost.contains(w.workerId());
  }

  boolean isLost(String workerId) {
    return lost.contains(workerId);
  }

  /** Members of the current ring not lost, by rank. */
  List<WorkerRef> liveMembers() {
    return ring.stream().filter(w -> !lost.contains(w.workerId())).toList();
  }

  /** Live members of the ring: the job's worker count for status and the CLI. */
  int ringSize() {
    return ring.size() - lostMembers;
  }

  /** Ranks of the ring, lost members included (the size the ring was formed with). */
  int ranks() {
    return ring.size();
  }

  List<WorkerRef> joiners() {
    return List.copyOf(joiners);
  }

  int joinerCount() {
    return joiners.size();
  }

  boolean isJoiner(WorkerRef w) {
    return joinerSet.contains(w);
  }

  /**
   * Adds a joiner; joiners are kept in slot order (launched workers in the order they were started), those
   * with equal slots (hand-started workers: -1) in the order they came.
   */
  void addJoiner(WorkerRef w) {
    int at = joiners.size();
    while (at > 0 && joiners.get(at - 1).slot() > w.slot()) {
      at--; // usually none: workers mostly attach in slot order
    }
    joiners.add(at, w);
    joinerSet.add(w);
  }

  boolean removeJoiner(WorkerRef w) {
    if (!joinerSet.remove(w)) {
      return false;
    }
    return joiners.remove(w);
  }

  /** Live members and joiners: everyone a Release must reach. */
  List<WorkerRef> everyoneAttached() {
    List<WorkerRef> all = new ArrayList<>(liveMembers());
    all.addAll(joiners);
    return all;
  }

  /** Marks a member lost; it keeps its rank until the next ring. */
  void markLost(WorkerRef w) {
    if (lost.add(w.workerId()) && ringIds.contains(w.workerId())) {
      lostMembers++;
    }
  }

  /** Records a worker that left for good, for status. */
  void depart(WorkerStatus gone) {
    departed.add(gone);
  }

  List<WorkerStatus> departed() {
    return List.copyOf(departed);
  }

  /** The attached live member or joiner with this process id, or null. */
  /** The live ring member or joiner the scheduler started as {@code slot}, or null. */
  WorkerRef bySlot(int slot) {
    for (WorkerRef w : ring) {
      if (w.slot() == slot && !lost.contains(w.workerId())) {
        return w;
      }
    }
    for (WorkerRef w : joiners) {
      if (w.slot() == slot) {
        return w;
      }
    }
    return null;
  }

  WorkerRef byPid(long pid) {
    for (WorkerRef w : ring) {
      if (w.pid() == pid && !lost.contains(w.workerId())) {
        return w;
      }
    }
    for (WorkerRef w : joiners) {
      if (w.pid() == pid) {
        return w;
      }
    }
    return null;
  }

  /** Ring members (lost ones included) and joiners by worker id: the candidates for the next ring. */
  Map<String, WorkerRef> candidatesById() {
    Map<String, WorkerRef> byId = new LinkedHashMap<>();
    ring.forEach(w -> byId.put(w.workerId(), w));
    joiners.forEach(w -> byId.put(w.workerId(), w));
    return byId;
  }

  /** Installs the next generation's ring: lost members of the old one leave for good, joiners are taken in. */
  void formRing(List<WorkerRef> next) {
    lost.clear();
    lostMembers = 0;
    ring.clear();
    ring.addAll(next);
    rankOf.clear();
    ringIds.clear();
    for (int r = 0; r < next.size(); r++) {
      rankOf.putIfAbsent(next.get(r), r);
      ringIds.add(next.get(r).workerId());
    }
    joiners.clear();
    joinerSet.clear();
  }

  /**
   * The job's {@code workers} list: the ring by rank (live or lost), then joiners, then workers that left
   * earlier. States and messages of {@code previous} entries are kept.
   */
  List<WorkerStatus> statuses(List<WorkerStatus> previous) {
    Map<String, WorkerStatus> before = new HashMap<>();
    for (WorkerStatus w : previous) {
      before.put(w.getWorkerId(), w);
    }
    List<WorkerStatus> out = new ArrayList<>();
    for (int r = 0; r < ring.size(); r++) {
      WorkerRef w = ring.get(r);
      WorkerStatus old = before.get(w.workerId());
      WorkerStatus.Builder b = status(r, w);
      if (old != null) {
        b.setState(old.getState()).setMessage(old.getMessage());
        if (old.hasExitCode()) {
          b.setExitCode(old.getExitCode());
        }
      }
      if (lost.contains(w.workerId())) {
        int rank = r;
        b = departed.stream().filter(d -> d.getWorkerId().equals(w.workerId())).reduce((x, y) -> y)
            .map(d -> d.toBuilder().setRank(rank)).orElse(b.setState(WorkerState.WORKER_LOST));
      }
      out.add(b.build());
    }
    for (WorkerRef w : joiners) {
      out.add(status(-1, w).setMessage("joining").build());
    }
    Set<String> shown = out.stream().map(WorkerStatus::getWorkerId).collect(Collectors.toSet());
    for (WorkerStatus d : departed) {
      if (d.getWorkerId().isEmpty() || !shown.contains(d.getWorkerId())) {
        out.add(d);
      }
    }
    return out;
  }

  static WorkerStatus.Builder status(int rank, WorkerRef w) {
    return WorkerStatus.newBuilder().setRank(rank).setWorkerId(w.workerId()).setHost(w.host())
        .setPort(w.port()).setPid(w.pid()).setState(WorkerState.WORKER_LAUNCHING).setLogPath(w.logPath())
        .setDevices(w.devices());
  }
}
