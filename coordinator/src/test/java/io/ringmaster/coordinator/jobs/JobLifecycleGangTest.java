package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gang of hand-started workers handed over at once (gang admission), as one event. */
class JobLifecycleGangTest {
  private static final int N = 300;

  @Test
  void aGangHandedOverAtOnceFormsTheSameRingAsWorkersAttachingOneByOneButIsPublishedOnce() {
    LifecycleHarness oneByOne = new LifecycleHarness(N, 2, LifecycleHarness.ft(1, 0), false);
    oneByOne.attach(N); // handed over before the driver starts, as the manager does
    oneByOne.start();

    LifecycleHarness gang = new LifecycleHarness(N, 2, LifecycleHarness.ft(1, 0), false);
    List<WorkerRef> workers = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      workers.add(gang.worker());
      gang.lifecycle.claimFreeWorkerSlot();
    }
    gang.feed(new JobInput.AttachedGang(workers));
    gang.start();

    assertThat(gang.job().getWorkersList()).extracting(WorkerStatus::getWorkerId, WorkerStatus::getRank)
        .as("same ranks for the same workers")
        .containsExactlyElementsOf(oneByOne.job().getWorkersList().stream()
            .map(w -> org.assertj.core.groups.Tuple.tuple(w.getWorkerId(), w.getRank())).toList());
    for (int r = 0; r < N; r++) {
      List<CoordinatorMessage> assign = gang.sentEver(workers.get(r), CoordinatorMessage.BodyCase.ASSIGN);
      assertThat(assign).hasSize(1);
      assertThat(assign.get(0).getAssign().getMembership().getRank()).isEqualTo(r);
      assertThat(assign.get(0).getAssign().getMembership().getPeersCount()).isEqualTo(N);
    }
    assertThat(workersChanged(oneByOne)).as("one event per worker, then the ring").isEqualTo(N + 1);
    assertThat(workersChanged(gang)).as("one event for the gang, then the ring").isEqualTo(2);
    assertThat(gang.phase()).isEqualTo(JobLifecycle.Phase.PREPARING);
  }

  @Test
  void workersBeyondTheJobsMaximumAreReleasedFromAGangAsFromSingleAttachments() {
    LifecycleHarness h = new LifecycleHarness(3, 1, LifecycleHarness.ft(1, 0), false);
    List<WorkerRef> workers = List.of(h.worker(), h.worker(), h.worker(), h.worker());
    h.feed(new JobInput.AttachedGang(workers));
    assertThat(h.actions(JobAction.ReleaseUnneeded.class)).extracting(JobAction.ReleaseUnneeded::worker)
        .containsExactly(workers.get(3));
    h.start();
    assertThat(h.job().getWorkersList()).extracting(WorkerStatus::getWorkerId).containsExactly("w0", "w1", "w2");
  }

  private static long workersChanged(LifecycleHarness h) {
    return h.all.stream().filter(a -> a instanceof JobAction.Publish p && p.kind() == JobEvent.Kind.WORKERS_CHANGED)
        .count();
  }
}
