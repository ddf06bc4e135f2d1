package io.ringmaster.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.security.DevCertificateAuthority;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.Hello;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker proves it was started for a job (the job's secret) or by whoever holds the CA (a client
 * certificate) before the coordinator says anything but a refusal; real coordinators over real TLS.
 */
class WorkerAuthenticationTest {
  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final JobCredentials credentials = JobCredentials.withKey(new byte[32]);
  private DevCertificateAuthority ca;
  private Path caFile;

  @BeforeEach
  void certificates() throws Exception {
    ca = DevCertificateAuthority.create("test CA", Duration.ofDays(1), Clock.systemUTC());
    caFile = ca.write(dir.resolve("certs"));
  }

  @AfterEach
  void close() throws Exception {
    java.util.Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private TransportSecurity identity(String name) throws Exception {
    Path cert = ca.issue(name, List.of("127.0.0.1"), Duration.ofDays(1)).write(dir.resolve("certs"), name);
    return keep(TransportSecurity.of(TlsFiles.of(cert, dir.resolve("certs").resolve(name + "-key.pem"), caFile)));
  }

  private <T extends AutoCloseable> T keep(T c) {
    toClose.add(c);
    return c;
  }

  private CoordinatorServer coordinator(TransportSecurity security) throws Exception {
    return keep(CoordinatorServer.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).store(new InMemoryJobStore())
        .workerCredentials(credentials).security(security).build().start());
  }

  private ManagedChannel channel(CoordinatorServer c, TransportSecurity security) {
    ManagedChannel ch = GrpcEndpoints.channel("127.0.0.1", c.port(), security).build();
    toClose.add(ch::shutdownNow);
    return ch;
  }

  /** Attaches with {@code hello} (and the secret header if given): the first thing the coordinator answers. */
  private static Object attach(ManagedChannel channel, Hello hello, String secret) throws Exception {
    CompletableFuture<Object> first = new CompletableFuture<>();
    var stub = WorkerControlGrpc.newStub(channel);
    if (secret != null) {
      Metadata m = new Metadata();
      m.put(Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER), secret);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }
    StreamObserver<WorkerMessage> out = stub.attach(new StreamObserver<CoordinatorMessage>() {
      @Override
      public void onNext(CoordinatorMessage m) {
        first.complete(m);
      }

      @Override
      public void onError(Throwable t) {
        first.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        first.complete(Status.OK);
      }
    });
    out.onNext(WorkerMessage.newBuilder().setHello(hello).build());
    Object answer = first.get(20, TimeUnit.SECONDS);
    out.onCompleted();
    return answer;
  }

  private static Hello hello(String workerId, String jobId) {
    return Hello.newBuilder().setWorkerId(workerId).setHost("127.0.0.1").setPort(1).setPid(1).setJobId(jobId).build();
  }

  private static void assertWelcomed(Object answer) {
    assertThat(answer).isInstanceOfSatisfying(CoordinatorMessage.class, m -> assertThat(m.hasWelcome()).isTrue());
  }

  private static void assertRefused(Object answer, Status.Code code, String because) {
    assertThat(answer).isInstanceOfSatisfying(Status.class, s -> {
      assertThat(s.getCode()).isEqualTo(code);
      assertThat(s.getDescription()).contains(because);
    });
  }

  @Test
  void overTlsAWorkerNeedsAClientCertificateOrItsJobsSecret() throws Exception {
    CoordinatorServer c = coordinator(identity("coordinator"));
    ManagedChannel anonymous = channel(c, keep(TransportSecurity.of(TlsFiles.trustOnly(caFile))));
    ManagedChannel withCertificate = channel(c, identity("worker"));

    assertRefused(attach(anonymous, hello("stranger", ""), null), Status.Code.UNAUTHENTICATED,
        "presented no credentials");
    assertRefused(attach(anonymous, hello("stranger", "job-1"), null), Status.Code.UNAUTHENTICATED,
        "RINGMASTER_JOB_SECRET");
    assertRefused(attach(anonymous, hello("guesser", "job-1"), "00" + credentials.jobSecret("job-1").substring(2)),
        Status.Code.PERMISSION_DENIED, "not the secret of job job-1");
    assertRefused(attach(anonymous, hello("other-job", "job-1"), credentials.jobSecret("job-2")),
        Status.Code.PERMISSION_DENIED, "not the secret of job job-1");

    assertWelcomed(attach(anonymous, hello("launched", "job-1"), credentials.jobSecret("job-1")));
    assertWelcomed(attach(withCertificate, hello("by-hand", ""), null));
  }

  /** Headers of a worker's job-scoped call: the job named and the secret (either may be null: not sent). */
  private static io.grpc.Channel presenting(ManagedChannel channel, String job, String secret) {
    Metadata m = new Metadata();
    if (job != null) {
      m.put(Metadata.Key.of(JobCredentials.JOB_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER), job);
    }
    if (secret != null) {
      m.put(Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER), secret);
    }
    return io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  /** The status of each worker call (checkpoint download and upload, data file, model upload) made on {@code ch}. */
  private static List<Status> everyWorkerCall(io.grpc.Channel ch) {
    List<Status> out = new ArrayList<>();
    out.add(status(() -> io.ringmaster.proto.v1.CheckpointsGrpc.newBlockingStub(ch).download(
        io.ringmaster.proto.v1.DownloadCheckpointRequest.newBuilder().setJobId("job-1").setCheckpointId("e0001-s000001")
            .build()).hasNext()));
    out.add(status(() -> io.ringmaster.job.transfer.ClientStreams.call(
        io.ringmaster.proto.v1.CheckpointsGrpc.newStub(ch)::upload, io.ringmaster.job.checkpoint.CheckpointChunks.split(
            io.ringmaster.job.testing.SampleCheckpoints.of("job-1", 1, 1, 10)).iterator(), 20_000)));
    out.add(status(() -> io.ringmaster.proto.v1.DatasetServiceGrpc.newBlockingStub(ch).downloadFile(
        io.ringmaster.proto.v1.DownloadFileRequest.newBuilder().setSha256("0".repeat(64)).build()).hasNext()));
    out.add(status(() -> io.ringmaster.job.transfer.ClientStreams.call(
        io.ringmaster.proto.v1.DatasetServiceGrpc.newStub(ch)::uploadModel, List.of(
            io.ringmaster.proto.v1.FileChunk.newBuilder().setHeader(io.ringmaster.proto.v1.FileHeader.newBuilder()
                .setJobId("job-1").setSizeBytes(0).setSha256("0".repeat(64))).build()).iterator(), 20_000)));
    return out;
  }

  private static Status status(java.util.concurrent.Callable<?> call) {
    try {
      call.call();
      return Status.OK;
    } catch (Exception e) {
      return Status.fromThrowable(e);
    }
  }

  @Test
  void overTlsEveryWorkerCallNeedsItsJobsSecretAndACertificateIsNotEnough() throws Exception {
    CoordinatorServer c = coordinator(identity("coordinator"));
    ManagedChannel withCertificate = channel(c, identity("worker"));

    assertThat(everyWorkerCall(presenting(withCertificate, "job-1", null))).as("a certificate alone")
        .allSatisfy(s -> assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(everyWorkerCall(presenting(withCertificate, "job-1", credentials.jobSecret("job-2"))))
        .as("another job's secret").allSatisfy(s -> assertThat(s.getCode()).as(s.toString())
            .isEqualTo(Status.Code.PERMISSION_DENIED));
    // the job's own secret passes the door; this coordinator runs no job-1, so the services answer as for one
    // they do not know
    assertThat(everyWorkerCall(presenting(withCertificate, "job-1", credentials.jobSecret("job-1"))))
        .extracting(Status::getCode).containsExactly(Status.Code.NOT_FOUND, Status.Code.NOT_FOUND,
            Status.Code.NOT_FOUND, Status.Code.NOT_FOUND);
  }

  @Test
  void aPlaintextLoopbackCoordinatorAdmitsAnonymousFreeWorkersButNeverAJobsWorkerWithoutItsSecret() throws Exception {
    CoordinatorServer c = coordinator(TransportSecurity.plaintext());
    ManagedChannel ch = channel(c, TransportSecurity.plaintext());

    assertWelcomed(attach(ch, hello("free", ""), null));
    assertRefused(attach(ch, hello("posing", "job-1"), null), Status.Code.UNAUTHENTICATED, "presented no credentials");
    assertRefused(attach(ch, hello("posing", "job-1"), "nope"), Status.Code.PERMISSION_DENIED, "not the secret");
    assertWelcomed(attach(ch, hello("launched", "job-1"), credentials.jobSecret("job-1")));
    assertThat(everyWorkerCall(presenting(ch, null, null))).as("nor its calls, plaintext or not")
        .allSatisfy(s -> assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aClientCertificateFromAnotherCaFailsTheHandshake() throws Exception {
    CoordinatorServer c = coordinator(identity("coordinator"));
    DevCertificateAuthority other = DevCertificateAuthority.create("other", Duration.ofDays(1), Clock.systemUTC());
    Path cert = other.issue("mallory", List.of("127.0.0.1"), Duration.ofDays(1)).write(dir.resolve("other"), "m");
    ManagedChannel mallory = channel(c, keep(TransportSecurity.of(TlsFiles.of(cert, dir.resolve("other/m-key.pem"),
        caFile))));

    // its certificate does not chain to the coordinator's CA: the handshake fails, or (the client offers no
    // certificate the server's CA list accepts) the worker is anonymous and refused
    assertThat(attach(mallory, hello("mallory", ""), null)).isInstanceOfSatisfying(Status.class,
        s -> assertThat(s.getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED));
  }

  @Test
  void plaintextBeyondLoopbackIsRefusedAtStartUnlessInsecureIsExplicit() throws Exception {
    CoordinatorServer.Builder wildcard = CoordinatorServer.builder().host("0.0.0.0").port(0)
        .dataDir(dir.resolve("runs")).scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .store(new InMemoryJobStore()).workerCredentials(credentials);

    assertThatThrownBy(() -> wildcard.build().start())
        .isInstanceOf(ExposureCheck.InsecureExposureException.class)
        .hasMessageContaining("coordinator refuses to listen on 0.0.0.0 in plaintext")
        .hasMessageContaining("ringmaster certs");
    keep(wildcard.insecure(true).build().start());
  }

  @Test
  void everyAssignSentCarriesTheTokenOfItsRingAndTheSecretOfItsJob() {
    List<CoordinatorMessage> sent = new ArrayList<>();
    AssignCredentialsStamper stamper = new AssignCredentialsStamper(new StreamObserver<>() {
      @Override
      public void onNext(CoordinatorMessage m) {
        sent.add(m);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    }, credentials);
    stamper.onNext(CoordinatorMessage.newBuilder().setAssign(io.ringmaster.proto.v1.Assign.newBuilder().setJobId("j")
        .setMembership(io.ringmaster.proto.v1.Membership.newBuilder().setGeneration(3))).build());
    stamper.onNext(CoordinatorMessage.getDefaultInstance());

    assertThat(sent.get(0).getAssign().getMembership().getRingToken()).isEqualTo(credentials.ringToken("j", 3));
    assertThat(sent.get(0).getAssign().getJobSecret()).as("a worker admitted by certificate, or a free one, needs it"
        + " for its job's checkpoint, data and model calls").isEqualTo(credentials.jobSecret("j"));
    assertThat(sent.get(1)).isEqualTo(CoordinatorMessage.getDefaultInstance());
  }
}
