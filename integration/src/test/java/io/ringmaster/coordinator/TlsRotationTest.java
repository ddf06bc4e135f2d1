package io.ringmaster.coordinator;

import io.ringmaster.job.testing.PresentedCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.security.DevCertificateAuthority;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.worker.WorkerRuntime;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation without restart, end to end: a job trains over TLS on every channel (client,
 * control, ring) between a coordinator and two workers started by hand; every certificate is replaced on
 * disk and read again while it runs; the job goes on to the end, and new connections to the coordinator
 * and to a worker present the new certificates.
 */
class TlsRotationTest {
  private static final Duration YEAR = Duration.ofDays(365);
  @TempDir Path tmp;

  @Test
  void aRunningJobSurvivesARotationAndNewConnectionsUseTheNewCertificates() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.create("rotation CA", YEAR, Clock.systemUTC());
    Path certs = tmp.resolve("certs");
    Path caFile = ca.write(certs);
    List<String> names = List.of("coordinator", "lib-a", "lib-b");
    for (String n : names) {
      ca.issue(n, List.of("127.0.0.1"), YEAR).write(certs, n);
    }
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), 3_000, 300);
    JobSpec spec = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 40, 30, "{}"), tmp));

    try (TransportSecurity coordinatorTls = tls(certs, caFile, "coordinator");
        TransportSecurity aTls = tls(certs, caFile, "lib-a");
        TransportSecurity bTls = tls(certs, caFile, "lib-b");
        TransportSecurity clientTls = TransportSecurity.of(TlsFiles.trustOnly(caFile));
        CoordinatorServer coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
            .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).security(coordinatorTls)
            .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(2)))
            .build().start();
        WorkerRuntime a = worker(coordinator, "lib-a", aTls);
        WorkerRuntime b = worker(coordinator, "lib-b", bTls)) {
      ManagedChannel channel = GrpcEndpoints.channel("127.0.0.1", coordinator.port(), clientTls).build();
      try {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        String id = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          Job j = get(jobs, id);
          return j.getState() == JobState.JOB_STATE_RUNNING && j.getProgress().getStep() > 0;
        });
        BigInteger coordinatorBefore = PresentedCertificate.serialOf(channel);
        BigInteger workerBefore = presentedByWorker(a, aTls);

        for (String n : names) {
          ca.issue(n, List.of("127.0.0.1"), YEAR).write(certs, n);
        }
        assertThat(List.of(coordinatorTls.reloadNow(), aTls.reloadNow(), bTls.reloadNow())).containsOnly(true);

        assertThat(get(jobs, id).getState()).as("still training after the rotation").isEqualTo(JobState.JOB_STATE_RUNNING);
        ManagedChannel fresh = GrpcEndpoints.channel("127.0.0.1", coordinator.port(), clientTls).build();
        try {
          assertThat(PresentedCertificate.serialOf(fresh)).isEqualTo(coordinatorTls.certificate().getSerialNumber())
              .isNotEqualTo(coordinatorBefore);
        } finally {
          fresh.shutdownNow();
        }
        assertThat(presentedByWorker(a, bTls)).isEqualTo(aTls.certificate().getSerialNumber())
            .isNotEqualTo(workerBefore);

        await().atMost(Duration.ofMinutes(3)).until(() -> {
          JobState s = get(jobs, id).getState();
          return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED;
        });
        Job done = get(jobs, id);
        assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getEpochsList()).hasSize(40).allSatisfy(e -> assertThat(e.getSamples()).isEqualTo(3_000));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static TransportSecurity tls(Path certs, Path ca, String name) {
    return TransportSecurity.of(TlsFiles.of(certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"), ca));
  }

  private static WorkerRuntime worker(CoordinatorServer c, String id, TransportSecurity tls) throws Exception {
    return new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + c.port(), "127.0.0.1", 0, "", id, -1, "", null,
        new WorkerRuntime.Security(tls, "", false))).start();
  }

  /** A new connection to worker {@code w}'s server (with a client certificate): the serial it presents. */
  private static BigInteger presentedByWorker(WorkerRuntime w, TransportSecurity client) {
    ManagedChannel ch = GrpcEndpoints.channel("127.0.0.1", w.port(), client).build();
    try {
      return PresentedCertificate.serialOf(ch);
    } finally {
      ch.shutdownNow();
    }
  }

  private static Job get(JobServiceGrpc.JobServiceBlockingStub jobs, String id) {
    return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }
}
