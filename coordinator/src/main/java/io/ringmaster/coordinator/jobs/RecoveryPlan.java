package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.ResumePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides how a ring is re-formed: who is in it, in which rank order, where training resumes, and where
 * each member gets its replica state from. Pure: no I/O, tested as a table.
 *
 * <p>Rules:
 * <ul>
 *   <li>Survivors keep their relative order and come first; joiners follow in the order given. The ring
 *       never exceeds {@code maxWorkers}.
 *   <li>Training resumes from the most advanced survivor's cursor (epoch, completed steps): a step is either
 *       applied on a replica or not at all, and survivors differ by at most one step, so nothing is trained
 *       twice and the most progress is kept. That survivor (the lowest rank among the most advanced) is the
 *       state source: survivors at that cursor keep their replica ({@code local}); everyone else fetches it
 *       from the source ({@code peer_rank}).
 *   <li>With no survivor (all lost, or a restarted coordinator), every member downloads the newest
 *       checkpoint; with no checkpoint either, the job starts fresh at epoch 1, step 0.
 * </ul>
 */
final class RecoveryPlan {
  /** A survivor and where its replica stands. */
  record Survivor(String workerId, Paused cursor) {}

  /** One member of the new ring. */
  record Member(String workerId, int rank, ResumePoint resume) {}

  /** Where a checkpoint resumes: the epoch and completed steps its state stands at. */
  record CheckpointCursor(CheckpointRef ref, int epoch, long step) {}

  private final List<Member> members;
  private final int epoch;
  private final long step;

  private RecoveryPlan(List<Member> members, int epoch, long step) {
    this.members = List.copyOf(members);
    this.epoch = epoch;
    this.step = step;
  }

  List<Member> members() {
    return members;
  }

  /** Epoch (1-based) the new ring resumes in. */
  int epoch() {
    return epoch;
  }

  /** Completed steps of {@link #epoch()} every member will hold. */
  long step() {
    return step;
  }

  static RecoveryPlan plan(List<Survivor> survivors, List<String> joiners, CheckpointCursor checkpoint,
      int maxWorkers) {
    Objects.requireNonNull(survivors);
    Objects.requireNonNull(joiners);
    List<String> order = new ArrayList<>();
    survivors.forEach(s -> order.add(s.workerId()));
    order.addAll(joiners);
    if (order.size() > maxWorkers) {
      order.subList(maxWorkers, order.size()).clear();
    }
    if (order.isEmpty()) {
      throw new IllegalArgumentException("a ring needs at least one member");
    }
    List<Member> members = new ArrayList<>();
    if (!survivors.isEmpty()) {
      Survivor source = survivors.get(0);
      for (Survivor s : survivors) {
        if (ahead(s.cursor(), source.cursor())) {
          source = s;
        }
      }
      int epoch = source.cursor().getEpoch();
      long step = source.cursor().getCompletedSteps();
      int sourceRank = order.indexOf(source.workerId());
      java.util.Map<String, Survivor> byId = new java.util.HashMap<>();
      for (Survivor s : survivors) {
        byId.putIfAbsent(s.workerId(), s); // the first, as a search in order would find
      }
      for (int rank = 0; rank < order.size(); rank++) {
        String id = order.get(rank);
        Survivor s = byId.get(id);
        ResumePoint.Builder r = ResumePoint.newBuilder().setEpoch(epoch).setStep(step);
        if (s != null && s.cursor().getEpoch() == epoch && s.cursor().getCompletedSteps() == step) {
          r.setLocal(true);
        } else {
          r.setPeerRank(sourceRank);
        }
        members.add(new Member(id, rank, r.build()));
      }
      return new RecoveryPlan(members, epoch, step);
    }
    int epoch = checkpoint == null ? 1 : checkpoint.epoch();
    long step = checkpoint == null ? 0 : checkpoint.step();
    for (int rank = 0; rank < order.size(); rank++) {
      ResumePoint.Builder r = ResumePoint.newBuilder().setEpoch(epoch).setStep(step);
      if (checkpoint == null) {
        r.setFresh(true);
      } else {
        r.setCheckpointId(checkpoint.ref().getId());
      }
      members.add(new Member(order.get(rank), rank, r.build()));
    }
    return new RecoveryPlan(members, epoch, step);
  }

  private static boolean ahead(Paused a, Paused b) {
    return a.getEpoch() > b.getEpoch()
        || (a.getEpoch() == b.getEpoch() && a.getCompletedSteps() > b.getCompletedSteps());
  }
}
