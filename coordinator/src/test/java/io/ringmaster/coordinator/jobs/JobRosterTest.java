package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRosterTest {
  private static WorkerRef w(int n, int slot) {
    return new WorkerRef(n, "w" + n, "h", 7000 + n, 100 + n, slot, "");
  }

  @Test
  void theRingSizeCountsLiveMembersOnlyWhileStatusListsEveryone() {
    JobRoster r = new JobRoster();
    WorkerRef a = w(1, 0);
    WorkerRef b = w(2, 1);
    r.formRing(List.of(a, b));
    r.markLost(b);
    r.depart(JobRoster.status(1, b).setState(WorkerState.WORKER_LOST).setMessage("gone").build());
    WorkerRef c = w(3, 2);
    r.addJoiner(c);

    assertThat(r.ringSize()).as("b is lost, c only joins").isEqualTo(1);
    assertThat(r.ranks()).isEqualTo(2);
    assertThat(r.liveMembers()).containsExactly(a);
    assertThat(r.everyoneAttached()).containsExactly(a, c);
    assertThat(r.byPid(b.pid())).as("a lost member is not found by pid").isNull();
    assertThat(r.byPid(c.pid())).isEqualTo(c);
    List<WorkerStatus> statuses = r.statuses(List.of());
    assertThat(statuses).extracting(WorkerStatus::getWorkerId, WorkerStatus::getRank, WorkerStatus::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("w1", 0, WorkerState.WORKER_LAUNCHING),
            org.assertj.core.groups.Tuple.tuple("w2", 1, WorkerState.WORKER_LOST),
            org.assertj.core.groups.Tuple.tuple("w3", -1, WorkerState.WORKER_LAUNCHING));

    r.formRing(List.of(a, c));
    assertThat(r.ringSize()).isEqualTo(2);
    assertThat(r.joiners()).isEmpty();
    assertThat(r.isLost("w2")).as("lost members of the old ring leave for good").isFalse();
    assertThat(r.statuses(List.of())).extracting(WorkerStatus::getWorkerId).containsExactly("w1", "w3", "w2");
  }

  @Test
  void joinersAreKeptInSlotOrder() {
    JobRoster r = new JobRoster();
    r.addJoiner(w(1, 2));
    r.addJoiner(w(2, 0));
    r.addJoiner(w(3, 1));
    assertThat(r.joiners()).extracting(WorkerRef::slot).containsExactly(0, 1, 2);
  }

  @Test
  void lookupsFollowLossesAndNewRingsAndFindAWorkerByValue() {
    JobRoster r = new JobRoster();
    List<WorkerRef> ring = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ring.add(w(i, -1));
    }
    r.formRing(ring);
    r.markLost(ring.get(10));
    r.markLost(ring.get(10)); // twice: counted once
    r.markLost(w(5000, -1)); // not a member: does not change the ring's size
    assertThat(r.rankOf(w(999, -1))).as("an equal ref, not the same object").isEqualTo(999);
    assertThat(r.rankOf(ring.get(10))).as("a lost member keeps its rank").isEqualTo(10);
    assertThat(r.isLiveMember(ring.get(10))).isFalse();
    assertThat(r.isLiveMember(ring.get(11))).isTrue();
    assertThat(r.rankOf(w(5000, -1))).isEqualTo(-1);
    assertThat(r.ringSize()).isEqualTo(999).isEqualTo(r.liveMembers().size());

    WorkerRef joiner = w(2000, -1);
    r.addJoiner(joiner);
    assertThat(r.isJoiner(joiner)).isTrue();
    assertThat(r.joinerCount()).isEqualTo(1);
    r.formRing(List.of(ring.get(11), joiner));
    assertThat(r.rankOf(joiner)).isEqualTo(1);
    assertThat(r.rankOf(ring.get(0))).as("left with the old ring").isEqualTo(-1);
    assertThat(r.isJoiner(joiner)).isFalse();
    assertThat(r.ringSize()).isEqualTo(2);
    assertThat(r.isLost(ring.get(10).workerId())).isFalse();
  }

  @Test
  void joinersWithEqualSlotsKeepTheirArrivalOrderAndCanBeRemoved() {
    JobRoster r = new JobRoster();
    WorkerRef a = w(1, -1);
    WorkerRef b = w(2, 3);
    WorkerRef c = w(3, -1);
    WorkerRef d = w(4, 0);
    r.addJoiner(a);
    r.addJoiner(b);
    r.addJoiner(c);
    r.addJoiner(d);
    assertThat(r.joiners()).containsExactly(a, c, d, b);
    assertThat(r.removeJoiner(c)).isTrue();
    assertThat(r.removeJoiner(c)).isFalse();
    assertThat(r.joiners()).containsExactly(a, d, b);
    assertThat(r.isJoiner(c)).isFalse();
  }

  void everyWorkersStatusCarriesTheDevicesItReported() {
    var cuda = io.ringmaster.proto.v1.ComputeDevices.newBuilder().setBackend("CUDA")
        .addGpus(io.ringmaster.proto.v1.GpuDevice.newBuilder().setIndex(0).setName("Tesla T4")).build();
    JobRoster r = new JobRoster();
    WorkerRef member = new WorkerRef(1, "w1", "h", 7001, 101, 0, "", cuda);
    WorkerRef joiner = new WorkerRef(2, "w2", "h", 7002, 102, 1, "", cuda);
    r.formRing(List.of(member));
    r.addJoiner(joiner);

    assertThat(r.statuses(List.of())).extracting(WorkerStatus::getDevices).containsExactly(cuda, cuda);
  }
}
