package io.ringmaster.coordinator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interceptor in front of stand-in services on an in-process server: which calls pass, with which
 * {@link Caller}, and which are refused with which status. The stand-ins answer with the caller they
 * see (the job's id is {@code principal/tenant/role}).
 */
class ClientAuthInterceptorTest {
  static final String READER = "reader-token-0123456789abcdef0123456789";
  static final String SUBMITTER = "submit-token-0123456789abcdef0123456789";
  static final String ADMIN = "admin-token-0123456789abcdef01234567890";

  static final TokenTable TOKENS = new TokenTable(List.of(
      new TokenTable.Entry("rita", "team-a", Role.READ, TokenTable.sha256(READER)),
      new TokenTable.Entry("sam", "team-a", Role.SUBMIT, TokenTable.sha256(SUBMITTER)),
      new TokenTable.Entry("ada", "ops", Role.ADMIN, TokenTable.sha256(ADMIN))), Map.of());

  /** A method of JobService that the policy does not list (as if added to the proto without a decision). */
  static final MethodDescriptor<GetJobRequest, Job> UNLISTED = JobServiceGrpc.getGetJobMethod().toBuilder()
      .setFullMethodName(MethodDescriptor.generateFullMethodName(JobServiceGrpc.SERVICE_NAME, "Bogus")).build();

  Server server;
  ManagedChannel channel;

  static final class EchoCaller extends JobServiceGrpc.JobServiceImplBase {
    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> out) {
      answer(out);
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<Job> out) {
      answer(out);
    }

    static void answer(StreamObserver<Job> out) {
      Caller c = Caller.current();
      out.onNext(Job.newBuilder().setId(c.principal() + "/" + c.tenant() + "/" + c.role().id()).build());
      out.onCompleted();
    }
  }

  static final class WorkerDownloads extends DatasetServiceGrpc.DatasetServiceImplBase {
    @Override
    public void downloadFile(DownloadFileRequest request, StreamObserver<FileChunk> out) {
      io.ringmaster.coordinator.security.AuthenticatedJob.current(); // a worker's call: no client caller
      out.onCompleted();
    }
  }

  void start(ClientAuthInterceptor auth) throws Exception {
    String name = InProcessServerBuilder.generateName();
    // JobService/Bogus: reaches the interceptor through the fallback registry, as a new proto method would
    io.grpc.util.MutableHandlerRegistry unlisted = new io.grpc.util.MutableHandlerRegistry();
    unlisted.addService(ServerInterceptors.intercept(ServerServiceDefinition.builder(
        io.grpc.ServiceDescriptor.newBuilder(JobServiceGrpc.SERVICE_NAME).addMethod(UNLISTED).build())
        .addMethod(UNLISTED, ServerCalls.asyncUnaryCall((GetJobRequest r, StreamObserver<Job> o) ->
            EchoCaller.answer(o))).build(), auth));
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new EchoCaller(), auth))
        .addService(ServerInterceptors.intercept(new WorkerDownloads(), auth))
        .fallbackHandlerRegistry(unlisted)
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  static Metadata bearer(String header) {
    Metadata m = new Metadata();
    if (header != null) {
      m.put(ClientAuthInterceptor.AUTHORIZATION, header);
    }
    return m;
  }

  Job call(MethodDescriptor<GetJobRequest, Job> method, String header) {
    io.grpc.Channel withHeader = io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(bearer(header)));
    return ClientCalls.blockingUnaryCall(withHeader, method, CallOptions.DEFAULT, GetJobRequest.getDefaultInstance());
  }

  static Stream<Arguments> calls() {
    var get = JobServiceGrpc.getGetJobMethod();
    // SubmitJob called with an empty message: the interceptor decides before the request is read
    MethodDescriptor<GetJobRequest, Job> submit = JobServiceGrpc.getSubmitJobMethod()
        .toBuilder(ProtoUtils.marshaller(GetJobRequest.getDefaultInstance()),
            ProtoUtils.marshaller(Job.getDefaultInstance())).build();
    return Stream.of(
        Arguments.of("no token", get, null, Status.Code.UNAUTHENTICATED, "needs a client token"),
        Arguments.of("not a bearer token", get, "Basic " + READER, Status.Code.UNAUTHENTICATED, "needs a client token"),
        Arguments.of("empty bearer", get, "Bearer ", Status.Code.UNAUTHENTICATED, "needs a client token"),
        Arguments.of("unknown token", get, "Bearer " + READER + "x", Status.Code.UNAUTHENTICATED, "not accepted"),
        Arguments.of("reader reads", get, "Bearer " + READER, Status.Code.OK, "rita/team-a/read"),
        Arguments.of("scheme is case-insensitive", get, "bearer " + READER, Status.Code.OK, "rita/team-a/read"),
        Arguments.of("reader may not submit", submit, "Bearer " + READER, Status.Code.PERMISSION_DENIED,
            "needs role submit"),
        Arguments.of("submitter submits", submit, "Bearer " + SUBMITTER, Status.Code.OK, "sam/team-a/submit"),
        Arguments.of("admin submits", submit, "Bearer " + ADMIN, Status.Code.OK, "ada/ops/admin"),
        Arguments.of("unlisted method refused even to admins", UNLISTED, "Bearer " + ADMIN,
            Status.Code.PERMISSION_DENIED, "not open to clients"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void decidesEachCall(String name, MethodDescriptor<GetJobRequest, Job> method, String header, Status.Code code,
      String text) throws Exception {
    start(ClientAuthInterceptor.withTokens(TOKENS));
    if (code == Status.Code.OK) {
      assertThat(call(method, header).getId()).isEqualTo(text);
      return;
    }
    assertThatThrownBy(() -> call(method, header)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(text)
          .doesNotContain(READER).doesNotContain(SUBMITTER).doesNotContain(ADMIN);
    });
  }

  @Test
  void everyRefusalIsInTheAuditTrailWithWhoMethodPeerAndReasonButNeverTheToken() throws Exception {
    io.ringmaster.coordinator.store.InMemoryJobStore store = new io.ringmaster.coordinator.store.InMemoryJobStore();
    start(ClientAuthInterceptor.withTokens(TOKENS, new AuditTrail(store, () -> 42_000L)));
    var get = JobServiceGrpc.getGetJobMethod();
    MethodDescriptor<GetJobRequest, Job> submit = JobServiceGrpc.getSubmitJobMethod()
        .toBuilder(ProtoUtils.marshaller(GetJobRequest.getDefaultInstance()),
            ProtoUtils.marshaller(Job.getDefaultInstance())).build();
    String unknown = READER + "-revoked";
    for (var c : List.<Map.Entry<MethodDescriptor<GetJobRequest, Job>, String>>of(Map.entry(get, ""),
        Map.entry(get, "Basic x"), Map.entry(get, "Bearer " + unknown), Map.entry(get, "Bearer hunter2"),
        Map.entry(submit, "Bearer " + READER), Map.entry(UNLISTED, "Bearer " + ADMIN))) {
      assertThatThrownBy(() -> call(c.getKey(), c.getValue().isEmpty() ? null : c.getValue()))
          .isInstanceOf(StatusRuntimeException.class);
    }
    call(get, "Bearer " + READER); // allowed: not a refusal

    List<io.ringmaster.coordinator.store.AuditRecord> records = new java.util.ArrayList<>(store.auditPage(
        io.ringmaster.coordinator.store.AuditQuery.ALL, Long.MAX_VALUE, 100).stream()
        .map(io.ringmaster.coordinator.store.AuditEntry::record).toList());
    java.util.Collections.reverse(records); // oldest first
    assertThat(records).extracting(r -> r.reason().name() + " " + r.reason().code() + " " + r.method() + " "
        + r.principal() + " " + r.tenant()).containsExactly(
            "NO_TOKEN UNAUTHENTICATED JobService.GetJob  ",
            "NOT_BEARER UNAUTHENTICATED JobService.GetJob  ",
            "UNKNOWN_TOKEN UNAUTHENTICATED JobService.GetJob " + TokenFingerprint.of(unknown) + " ",
            "UNKNOWN_TOKEN UNAUTHENTICATED JobService.GetJob short-token ",
            "ROLE_TOO_WEAK PERMISSION_DENIED JobService.SubmitJob rita team-a",
            "UNLISTED_METHOD PERMISSION_DENIED JobService.Bogus  ");
    assertThat(records).allSatisfy(r -> {
      assertThat(r.timeMs()).isEqualTo(42_000L);
      assertThat(r.action()).isEqualTo(io.ringmaster.coordinator.store.AuditRecord.Action.REFUSE);
      assertThat(r.peer()).isNotEmpty();
      assertThat(r.toString()).doesNotContain(READER).doesNotContain(ADMIN).doesNotContain("hunter2");
    });
  }

  @Test
  void workerMethodsNeedNoClientTokenButAreRefusedUnlessTheWorkerGuardAuthenticatedThem() throws Exception {
    start(ClientAuthInterceptor.withTokens(TOKENS));
    DownloadFileRequest any = DownloadFileRequest.newBuilder().setSha256(HexFormat.of().formatHex(new byte[32])).build();
    // no worker guard in front: even an admin's token does not open a worker method
    assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingServerStreamingCall(io.grpc.ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(bearer("Bearer " + ADMIN))),
        DatasetServiceGrpc.getDownloadFileMethod(), CallOptions.DEFAULT, any).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("DownloadFile is a worker call")
              .contains("ringmaster-job-secret");
        });

    // behind the worker guard, as the coordinator installs it: the job's secret and no client token
    stop();
    var credentials = io.ringmaster.job.security.JobCredentials.random();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(new WorkerDownloads(),
        ClientAuthInterceptor.withTokens(TOKENS), new io.ringmaster.coordinator.security.WorkerCallGuard(
            new io.ringmaster.coordinator.security.WorkerAuthenticator(credentials, false)))).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    Metadata worker = new Metadata();
    worker.put(Metadata.Key.of("ringmaster-job-id", Metadata.ASCII_STRING_MARSHALLER), "job-1");
    worker.put(Metadata.Key.of("ringmaster-job-secret", Metadata.ASCII_STRING_MARSHALLER), credentials.jobSecret("job-1"));
    var chunks = DatasetServiceGrpc.newBlockingStub(io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(worker))).downloadFile(any);
    assertThat(chunks.hasNext()).isFalse();
  }

  @Test
  void withoutTokensEveryCallerIsAnUnauthenticatedAdmin() throws Exception {
    start(ClientAuthInterceptor.disabled());
    assertThat(call(JobServiceGrpc.getGetJobMethod(), null).getId()).isEqualTo("anonymous//admin");
  }

  @Test
  void aServiceWithoutTheInterceptorFailsClosed() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new EchoCaller()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(channel).getJob(GetJobRequest.getDefaultInstance()))
        // Caller.current() throws before the service answers: gRPC ends the call with UNKNOWN, never OK
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
  }
}
