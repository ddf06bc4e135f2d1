package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WorkerStatus;
import io.ringmaster.worker.WorkerRuntime;
import io.ringmaster.worker.devices.DeviceDiscovery;
import io.ringmaster.worker.devices.Nd4jDeviceDiscovery;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-started workers of different ND4J native builds never share a ring: with one worker of this JVM's
 * real build and one that reports another, a 2-worker job waits QUEUED naming both builds; a second worker
 * of the real build starts it on the two of one build. Workers run in this JVM (the other build is only
 * reported, which is all the coordinator sees).
 */
class MixedNativeBuildsTest {
  @TempDir Path tmp;

  @Test
  void aJobWaitsForWorkersOfOneBuildAndRunsOnlyOnThem() throws Exception {
    ComputeDevices real = new Nd4jDeviceDiscovery().discover();
    assertThat(real.getNativeBuild()).as("the build ND4J loaded here, read from JavaCPP")
        .isIn("cpu-generic", "cpu-avx2", "cpu-avx512", "cpu-onednn", "cpu-onednn-avx2");
    String other = real.getNativeBuild().equals("cpu-generic") ? "cpu-avx2" : "cpu-generic";
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), 600, 300);
    JobSpec spec = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 1, 30, "{}"), tmp));
    try (CoordinatorServer coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
            .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
            .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(2)))
            .build().start();
        WorkerRuntime a = worker(coordinator, "lib-a").start();
        WorkerRuntime b = worker(coordinator, "lib-b")
            .devices(DeviceDiscovery.fixed(real.toBuilder().setNativeBuild(other).build())).start()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
        String first = real.getNativeBuild().compareTo(other) < 0 ? real.getNativeBuild() : other;
        String second = first.equals(other) ? real.getNativeBuild() : other;
        String expected = "waiting for 2 worker(s) of one ND4J build: 1 " + first + ", 1 " + second
            + " free, 2 attached";
        await().atMost(Duration.ofSeconds(30)).until(() -> get(jobs, id).getMessage().equals(expected));
        assertThat(get(jobs, id).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);

        try (WorkerRuntime c = worker(coordinator, "lib-c").start()) {
          await().atMost(Duration.ofMinutes(2)).until(() -> ended(get(jobs, id)));
          Job done = get(jobs, id);
          assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
          assertThat(done.getWorkersList()).extracting(WorkerStatus::getWorkerId)
              .containsExactlyInAnyOrder("lib-a", "lib-c");
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static WorkerRuntime worker(CoordinatorServer coordinator, String id) {
    return new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + coordinator.port(), "127.0.0.1", 0, "", id, -1,
        ""));
  }

  private static boolean ended(Job j) {
    return j.getState() == JobState.JOB_STATE_SUCCEEDED || j.getState() == JobState.JOB_STATE_FAILED
        || j.getState() == JobState.JOB_STATE_CANCELLED;
  }

  private static Job get(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
    return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }
}
