package io.ringmaster.bench.recovery;

import io.grpc.ManagedChannel;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator in this JVM with the local scheduler and the default job settings (what
 * {@code ringmaster run} uses), and a client talking to it over real gRPC on loopback. Worker JVMs are
 * started with this JVM's classpath.
 */
final class BenchCoordinator implements AutoCloseable {
  private final CoordinatorServer server;
  private final ManagedChannel channel;
  private final JobServiceGrpc.JobServiceBlockingStub jobs;

  private BenchCoordinator(CoordinatorServer server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
    this.jobs = JobServiceGrpc.newBlockingStub(channel);
  }

  /** Starts a coordinator on a free loopback port keeping its data in {@code dataDir}. */
  static BenchCoordinator start(Path dataDir) throws IOException {
    CoordinatorServer server = CoordinatorServer.builder().host("127.0.0.1").port(0).dataDir(dataDir).build().start();
    ManagedChannel channel = io.ringmaster.job.security.GrpcEndpoints.channel("127.0.0.1", server.port(), io.ringmaster.job.security.TransportSecurity.plaintext()).build();
    return new BenchCoordinator(server, channel);
  }

  Job submit(JobSpec spec) {
    return jobs.withDeadlineAfter(60, TimeUnit.SECONDS).submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
  }

  Job get(String jobId) {
    return jobs.withDeadlineAfter(30, TimeUnit.SECONDS).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  Job cancel(String jobId) {
    return jobs.withDeadlineAfter(60, TimeUnit.SECONDS)
        .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
  }

  /** Starts following a job's events; see {@link JobWatch}. */
  JobWatch watch(String jobId, JobWatch.Listener listener) {
    return JobWatch.start(channel, jobId, listener);
  }

  /** Stops the workers of any running job, the server and the channel. */
  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
