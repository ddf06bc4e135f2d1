package io.ringmaster.bench.multihost;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.scheduler.WorkerJvmFlags;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.testhosts.HostProcess;
import io.ringmaster.testhosts.NetworkHosts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator ({@code ringmaster coordinator --scheduler external}) on one host and a hand-started
 * worker on each of some others, each its own JVM, that stay up for every job of the benchmark; jobs are
 * submitted and followed over gRPC from the benchmark's JVM through the bridge. A job for N workers takes
 * N of the attached ones.
 */
final class TrainingCluster implements AutoCloseable {
  static final int PORT = 7070;

  private final NetworkHosts.Host coordinatorHost;
  private final HostProcess coordinator;
  private final ManagedChannel channel;

  private TrainingCluster(NetworkHosts.Host coordinatorHost, HostProcess coordinator) {
    this.coordinatorHost = coordinatorHost;
    this.coordinator = coordinator;
    this.channel = NettyChannelBuilder.forAddress(coordinatorHost.address(), PORT).usePlaintext().build();
  }

  /** Starts the coordinator on {@code coordinatorHost} and a worker on each of {@code workerHosts}; all attached. */
  static TrainingCluster start(NetworkHosts net, NetworkHosts.Host coordinatorHost, List<NetworkHosts.Host> workerHosts,
      Path dir, int workerHeapMb) throws IOException, InterruptedException {
    HostProcess coordinator = net.startRingmaster(coordinatorHost, "coordinator", List.of("-Xmx512m",
        "-XX:+UseSerialGC"), List.of("coordinator", "--host", coordinatorHost.address(), "--port",
        String.valueOf(PORT), "--data-dir", dir.resolve("runs").toString(), "--scheduler", "external",
        // plaintext, said explicitly (the figures are of the bare link; bench/tls.sh measures TLS), no client tokens
        "--insecure", "--client-auth", "none"));
    TrainingCluster c = new TrainingCluster(coordinatorHost, coordinator);
    awaitLog(coordinator, "Coordinator listening on " + coordinatorHost.address(), Duration.ofSeconds(90));
    List<String> jvm = new ArrayList<>(WorkerJvmFlags.recommended());
    jvm.addAll(WorkerJvmFlags.memory(workerHeapMb, 1024));
    List<HostProcess> workers = new ArrayList<>();
    for (NetworkHosts.Host h : workerHosts) {
      workers.add(net.startRingmaster(h, "worker-" + h.index(), jvm, List.of("worker", "--coordinator",
          coordinatorHost.address() + ":" + PORT, "--host", h.address(), "--data-dir",
          dir.resolve("worker-" + h.index()).toString(), "--insecure")));
    }
    for (NetworkHosts.Host h : workerHosts) {
      awaitLog(coordinator, "(" + h.address() + ":", Duration.ofSeconds(90));
    }
    return c;
  }

  /** Runs the job to its end; fails unless it SUCCEEDED. */
  Job run(String yaml, Path baseDir, Duration atMost) throws InterruptedException {
    var jobs = JobServiceGrpc.newBlockingStub(channel);
    String id = jobs.withDeadlineAfter(30, TimeUnit.SECONDS).submitJob(SubmitJobRequest.newBuilder()
        .setSpec(SpecProtos.toProto(JobSpecYaml.parse(yaml, baseDir))).build()).getId();
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      Job j = jobs.withDeadlineAfter(30, TimeUnit.SECONDS).getJob(GetJobRequest.newBuilder().setJobId(id).build());
      if (j.getState() == JobState.JOB_STATE_SUCCEEDED) {
        return j;
      }
      if (j.getState() == JobState.JOB_STATE_FAILED || j.getState() == JobState.JOB_STATE_CANCELLED) {
        throw new IllegalStateException("job " + id + " ended " + io.ringmaster.job.JobState.shortName(j.getState()) + ": " + j.getMessage());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + id + " did not end within " + atMost.toSeconds() + " s: "
            + io.ringmaster.job.JobState.shortName(j.getState()) + " epoch " + j.getProgress().getEpoch());
      }
      Thread.sleep(500); // poll GetJob, as `ringmaster status` would
    }
  }

  private static void awaitLog(HostProcess p, String text, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!p.log().contains(text)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(p + " did not log \"" + text + "\" within " + atMost.toSeconds() + " s:\n"
            + p.logTail(40));
      }
      Thread.sleep(200); // poll the process's log
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  @Override
  public String toString() {
    return "coordinator " + coordinator + " on " + coordinatorHost;
  }
}
