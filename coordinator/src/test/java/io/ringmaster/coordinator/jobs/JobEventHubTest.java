package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbering, storing before sending, resuming from a sequence, trimming and honest endings. */
class JobEventHubTest {
  final JobEventHub hub = new JobEventHub(() -> 1234L);
  final List<Job> stored = new ArrayList<>();
  Job job = Job.newBuilder().setId("j").setState(JobState.JOB_STATE_RUNNING).build();

  void publish(JobEvent.Kind kind) {
    hub.publish(kind, job, JobEvent.newBuilder(), stored::add);
  }

  @Test
  void numberedEventsAreStoredWithTheirSequenceBeforeTheyAreSent() {
    RecordedEvents w = new RecordedEvents();
    hub.subscribe(() -> job, 0, w);
    publish(JobEvent.Kind.STATE_CHANGED);
    publish(JobEvent.Kind.PROGRESS);
    publish(JobEvent.Kind.PROGRESS);
    publish(JobEvent.Kind.EPOCH_FINISHED);

    assertThat(w.kinds()).containsExactly(JobEvent.Kind.SNAPSHOT, JobEvent.Kind.STATE_CHANGED,
        JobEvent.Kind.PROGRESS, JobEvent.Kind.PROGRESS, JobEvent.Kind.EPOCH_FINISHED);
    assertThat(w.sequences()).containsExactly(0L, 1L, 1L, 1L, 2L);
    assertThat(stored).extracting(Job::getEventSequence).containsExactly(1L, 2L);
    assertThat(w.events.get(4).getJob().getEventSequence()).isEqualTo(2);
  }

  @Test
  void resumingReplaysFromTheSequenceWithoutGapsOrDuplicatesThenGoesLive() {
    for (int i = 0; i < 10; i++) {
      publish(i % 2 == 0 ? JobEvent.Kind.NOTICE : JobEvent.Kind.PROGRESS);
    }
    RecordedEvents w = new RecordedEvents();
    hub.subscribe(() -> job, 3, w);
    publish(JobEvent.Kind.EPOCH_FINISHED);

    assertThat(w.sequences()).containsExactly(3L, 4L, 5L, 6L);
    assertThat(w.kinds()).doesNotContain(JobEvent.Kind.SNAPSHOT, JobEvent.Kind.PROGRESS);

    RecordedEvents upToDate = new RecordedEvents();
    hub.subscribe(() -> job, 7, upToDate);
    assertThat(upToDate.events).isEmpty();
  }

  @Test
  void aTrimmedHistoryOrAnUnknownPositionStartsWithASnapshot() {
    for (int i = 0; i < JobEventHub.HISTORY + 44; i++) {
      publish(JobEvent.Kind.NOTICE);
    }
    RecordedEvents trimmed = new RecordedEvents();
    hub.subscribe(() -> job, 10, trimmed);
    RecordedEvents ahead = new RecordedEvents();
    hub.subscribe(() -> job, 5000, ahead);
    RecordedEvents held = new RecordedEvents();
    hub.subscribe(() -> job, 45, held);

    assertThat(trimmed.kinds()).containsExactly(JobEvent.Kind.SNAPSHOT);
    assertThat(trimmed.sequences()).containsExactly(300L);
    assertThat(ahead.kinds()).containsExactly(JobEvent.Kind.SNAPSHOT);
    assertThat(held.sequences()).hasSize(JobEventHub.HISTORY).startsWith(45L).endsWith(300L);
  }

  @Test
  void numberingContinuesAfterTheStoredSequenceOfARestartedCoordinator() {
    Job stored57 = job.toBuilder().setEventSequence(57).build();
    JobEventHub restarted = new JobEventHub(() -> 1L);
    RecordedEvents resumed = new RecordedEvents();
    RecordedEvents tooOld = new RecordedEvents();
    restarted.subscribe(() -> stored57, 58, resumed);
    restarted.subscribe(() -> stored57, 40, tooOld);
    restarted.publish(JobEvent.Kind.STATE_CHANGED, stored57, JobEvent.newBuilder(), j -> { });

    assertThat(resumed.sequences()).containsExactly(58L);
    assertThat(tooOld.kinds()).containsExactly(JobEvent.Kind.SNAPSHOT, JobEvent.Kind.STATE_CHANGED);
    assertThat(tooOld.sequences()).containsExactly(57L, 58L);
    assertThat(restarted.stamp(stored57).getEventSequence()).isEqualTo(58);
  }

  @Test
  void aWatcherOfAJobWhoseEndIsNotNumberedYetGetsTheFinishedJobBeforeOk() {
    publish(JobEvent.Kind.STATE_CHANGED);
    Job ended = job.toBuilder().setState(JobState.JOB_STATE_CANCELLED).build(); // stored, its event not yet published
    RecordedEvents w = new RecordedEvents();
    hub.subscribe(() -> ended, 2, w);

    assertThat(w.kinds()).containsExactly(JobEvent.Kind.SNAPSHOT);
    assertThat(w.events.get(0).getJob().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(w.completed).isTrue();
  }

  @Test
  void terminalEventCompletesAndShutdownEndsWithUnavailable() {
    RecordedEvents first = new RecordedEvents();
    hub.subscribe(() -> job, 0, first);
    hub.closeAll();
    assertThat(first.completed).isFalse();
    assertThat(Status.fromThrowable(first.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(first.error).hasMessageContaining("from_sequence 1");

    RecordedEvents second = new RecordedEvents();
    hub.subscribe(() -> job, 0, second);
    job = job.toBuilder().setState(JobState.JOB_STATE_SUCCEEDED).build();
    publish(JobEvent.Kind.STATE_CHANGED);
    assertThat(second.completed).isTrue();
    assertThat(second.error).isNull();
    assertThat(hub.stamp(job).getEventSequence()).as("numbering kept after the end").isEqualTo(1);
  }
}
