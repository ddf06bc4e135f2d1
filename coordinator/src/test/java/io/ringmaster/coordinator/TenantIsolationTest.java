package io.ringmaster.coordinator;

import io.ringmaster.job.testing.FashionSubset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.auth.TenantQuota;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10 end to end, on a real coordinator on loopback with client tokens and a data root: tenants
 * are kept apart (another tenant's job is NOT_FOUND, exactly like an unknown id), roles are enforced,
 * submissions and cancellations are in the audit trail with the tenant and the peer, data paths stay under
 * the root, and a tenant's quota is RESOURCE_EXHAUSTED. The external scheduler keeps jobs QUEUED (no
 * worker starts).
 */
class TenantIsolationTest {
  static final String ALICE = "alice-0123456789abcdef0123456789abcdef";
  static final String BOB = "bob-0123456789abcdef0123456789abcdef01";
  static final String RITA = "rita-0123456789abcdef0123456789abcdef";
  static final String ADA = "ada-0123456789abcdef0123456789abcdef01";

  @TempDir static Path tmp;
  static CoordinatorServer coordinator;
  static ManagedChannel channel;
  static JobSpec good;

  @BeforeAll
  static void start() throws Exception {
    FashionSubset data = FashionSubset.write(Files.createDirectories(tmp.resolve("data")), 300, 100);
    good = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 1, 32), tmp));
    TokenTable tokens = new TokenTable(List.of(
        new TokenTable.Entry("alice", "team-a", Role.SUBMIT, TokenTable.sha256(ALICE)),
        new TokenTable.Entry("rita", "team-a", Role.READ, TokenTable.sha256(RITA)),
        new TokenTable.Entry("bob", "team-b", Role.SUBMIT, TokenTable.sha256(BOB)),
        new TokenTable.Entry("ada", "ops", Role.ADMIN, TokenTable.sha256(ADA))),
        Map.of("team-b", new TenantQuota(1, 0, 0)));
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .settings(new JobSettings(1, 20, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(600), Duration.ofSeconds(1)))
        .clientTokens(tokens)
        .dataRoots(List.of(tmp.resolve("data")))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  static JobServiceGrpc.JobServiceBlockingStub as(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static Job submit(String token) {
    return as(token).submitJob(SubmitJobRequest.newBuilder().setSpec(good).build());
  }

  static StatusRuntimeException failure(ThrowingCallable call) {
    List<StatusRuntimeException> caught = new ArrayList<>();
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, caught::add);
    return caught.get(0);
  }

  @Test
  void noTokenIsUnauthenticated() {
    StatusRuntimeException e = failure(() -> JobServiceGrpc.newBlockingStub(channel)
        .listJobs(ListJobsRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void anotherTenantCannotSeeOrCancelAJobAndTheAuditTrailRecordsSubmitAndCancel() {
    Job job = submit(ALICE);
    assertThat(job.getTenant()).isEqualTo("team-a");
    GetJobRequest get = GetJobRequest.newBuilder().setJobId(job.getId()).build();

    // bob (team-b) gets exactly what an unknown id gets: no existence oracle
    String unknownId = job.getId().substring(0, job.getId().length() - 6) + "000000";
    StatusRuntimeException foreign = failure(() -> as(BOB).getJob(get));
    StatusRuntimeException unknown = failure(() -> as(BOB).getJob(GetJobRequest.newBuilder().setJobId(unknownId)
        .build()));
    assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(foreign.getStatus().getDescription())
        .isEqualTo(unknown.getStatus().getDescription().replace(unknownId, job.getId()));
    assertThat(failure(() -> as(BOB).cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build()))
        .getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure(() -> as(BOB).deleteJob(DeleteJobRequest.newBuilder().setJobId(job.getId()).build()))
        .getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure(() -> as(BOB).watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).build())
        .hasNext()).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure(() -> DatasetServiceGrpc.newBlockingStub(channel).withInterceptors(
        MetadataUtils.newAttachHeadersInterceptor(bearer(BOB))).getModel(GetModelRequest.newBuilder()
        .setJobId(job.getId()).build()).hasNext()).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(as(BOB).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
        .extracting(Job::getId).doesNotContain(job.getId());
    assertThat(as(BOB).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
        .allSatisfy(j -> assertThat(j.getTenant()).isEqualTo("team-b"));

    // the same tenant reads it; the read role cannot cancel; an admin sees every tenant's jobs
    assertThat(as(RITA).getJob(get).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
    assertThat(failure(() -> as(RITA).cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build()))
        .getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(as(ADA).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
        .extracting(Job::getId).contains(job.getId());

    Job cancelled = as(ALICE).cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);

    List<AuditRecord> all = coordinator.jobs().store().auditTrail(job.getId());
    // bob's four tries at team-a's job (GetModel is the dataset service's: not recorded yet)
    assertThat(all).filteredOn(r -> r.action() == AuditRecord.Action.REFUSE)
        .extracting(r -> r.method() + " " + r.principal() + " " + r.tenant() + " " + r.reason().code())
        .containsExactly("JobService.GetJob bob team-b NOT_FOUND", "JobService.CancelJob bob team-b NOT_FOUND",
            "JobService.DeleteJob bob team-b NOT_FOUND", "JobService.WatchJob bob team-b NOT_FOUND");
    List<AuditRecord> trail = all.stream().filter(r -> r.action() != AuditRecord.Action.REFUSE).toList();
    assertThat(trail).extracting(AuditRecord::action)
        .containsExactly(AuditRecord.Action.SUBMIT, AuditRecord.Action.CANCEL);
    assertThat(trail).allSatisfy(r -> {
      assertThat(r.tenant()).isEqualTo("team-a");
      assertThat(r.principal()).isEqualTo("alice");
      assertThat(r.peer()).startsWith("127.0.0.1:");
      assertThat(r.timeMs()).isPositive();
      assertThat(r.toString()).doesNotContain(ALICE);
    });
  }

  static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return m;
  }

  @Test
  void dataPathsOutsideTheRootAreRefusedNamingTheField() throws Exception {
    Path outside = Files.writeString(tmp.resolve("secret.csv"), "label,x\n1,2\n");
    Path link = Files.createSymbolicLink(tmp.resolve("data").resolve("link.csv"), outside);
    for (String path : List.of(outside.toString(), link.toString(),
        tmp.resolve("data").resolve("..").resolve("secret.csv").toString(), "/etc/passwd")) {
      JobSpec spec = good.toBuilder().setData(good.getData().toBuilder().setTrain(
          good.getData().getTrain().toBuilder().setPath(path))).build();
      StatusRuntimeException e = failure(() -> as(ALICE).submitJob(SubmitJobRequest.newBuilder().setSpec(spec)
          .build()));
      assertThat(e.getStatus().getCode()).as(path).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).as(path).contains("spec.data.train.path: ")
          .contains("data roots").doesNotContain("label,x").doesNotContain("root:");
    }
  }

  @Test
  void aTenantBeyondItsQuotaIsResourceExhausted() {
    Job first = submit(BOB);
    try {
      StatusRuntimeException e = failure(() -> submit(BOB));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).contains("tenant team-b").contains("quota is 1");
    } finally {
      as(BOB).cancelJob(CancelJobRequest.newBuilder().setJobId(first.getId()).build());
    }
    Job again = submit(BOB); // the cancelled job no longer counts
    as(BOB).cancelJob(CancelJobRequest.newBuilder().setJobId(again.getId()).build());
  }
}
