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
