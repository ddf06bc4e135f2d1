package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.jobs.RecordedEvents;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WatchJob across a coordinator restart on the same SQLite store: the open stream ends with UNAVAILABLE
 * (not OK) while the job is unfinished, and a watcher that resumes with the last sequence + 1 gets the
 * following events, numbered on from there, with no gap or repeat. External scheduler, no workers: the
 * job stays QUEUED until it is cancelled.
 */
class WatchResumeTest {
  @TempDir Path tmp;

  CoordinatorServer start() throws Exception {
    return CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(600), Duration.ofSeconds(1)))
        .build().start();
  }

  @Test
  void shutdownEndsStreamsWithUnavailableAndAWatcherResumesWithoutGapsOrDuplicates() throws Exception {
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), 300, 100);
    JobSpec spec = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 1, 32), tmp));

    CoordinatorServer first = start();
    ManagedChannel c1 = NettyChannelBuilder.forAddress("127.0.0.1", first.port()).usePlaintext().build();
    Job job = JobServiceGrpc.newBlockingStub(c1).submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
    RecordedEvents before = new RecordedEvents();
    JobServiceGrpc.newStub(c1).watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).build(), before);
    await().atMost(Duration.ofSeconds(20)).until(() -> !before.events.isEmpty());
    // admission told the job what it waits for (a numbered NOTICE) before the watcher came: it replays
    RecordedEvents replaying = new RecordedEvents();
    JobServiceGrpc.newStub(c1).watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).setFromSequence(1)
        .build(), replaying);
    await().atMost(Duration.ofSeconds(20)).until(() -> !replaying.events.isEmpty());
    assertThat(replaying.events.get(0).getKind()).isEqualTo(JobEvent.Kind.NOTICE);
    assertThat(replaying.events.get(0).getSequence()).isEqualTo(1);
    first.close();
    await().atMost(Duration.ofSeconds(10)).until(before::ended);
    c1.shutdownNow();

    assertThat(before.completed).as("an unfinished job's stream does not end with OK").isFalse();
    assertThat(Status.fromThrowable(before.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    long last = before.events.get(before.events.size() - 1).getSequence();
    assertThat(last).isPositive();

    try (CoordinatorServer second = start()) {
      ManagedChannel c2 = NettyChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext().build();
      try {
        RecordedEvents after = new RecordedEvents();
        JobServiceGrpc.newStub(c2).watchJob(WatchJobRequest.newBuilder().setJobId(job.getId())
            .setFromSequence(last + 1).build(), after);
        JobServiceGrpc.newBlockingStub(c2).cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        await().atMost(Duration.ofSeconds(10)).until(after::ended);

        assertThat(after.error).isNull();
        assertThat(after.completed).isTrue();
        assertThat(after.events).extracting(JobEvent::getKind).doesNotContain(JobEvent.Kind.SNAPSHOT);
        JobEvent end = after.events.get(after.events.size() - 1);
        assertThat(end.getJob().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        List<Long> sequences = after.events.stream().map(JobEvent::getSequence).toList();
        assertThat(sequences.get(0)).as("no gap, no repeat").isEqualTo(last + 1);
        for (int i = 1; i < sequences.size(); i++) {
          assertThat(sequences.get(i)).isEqualTo(sequences.get(i - 1) + 1);
        }
      } finally {
        c2.shutdownNow();
      }
    }
  }
}
