package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.AuditAction;
import io.ringmaster.proto.v1.AuditEvent;
import io.ringmaster.proto.v1.AuditServiceGrpc;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ListAuditEventsRequest;
import io.ringmaster.proto.v1.ListAuditEventsResponse;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail end to end, on a real coordinator on loopback whose tokens come from a file: what was
 * done and what was refused is listed by {@code ListAuditEvents} (admins: everything, filtered and paged;
 * a tenant: its own submissions, cancellations and deletions), and a token removed from the file is
 * refused by the running coordinator.
 */
class AuditEventsTest {
  static final String ALICE = "alice-0123456789abcdef0123456789abcdef";
  static final String BOB = "bob-0123456789abcdef0123456789abcdef01";
  static final String RITA = "rita-0123456789abcdef0123456789abcdef";
  static final String ADA = "ada-0123456789abcdef0123456789abcdef01";
  static final String CAROL = "carol-0123456789abcdef0123456789abcdef";

  @TempDir static Path tmp;
  static Path tokensFile;
  static CoordinatorServer coordinator;
  static ManagedChannel channel;
  static JobSpec good;
  static Job job;
  static long beforeProbesMs;

  static String entry(String name, String tenant, String role, String token) {
    return "  - {name: " + name + ", tenant: " + tenant + ", role: " + role + ", sha256: "
        + HexFormat.of().formatHex(TokenTable.sha256(token)) + "}\n";
  }

  static final String TOKENS = "tokens:\n" + entry("alice", "team-a", "submit", ALICE)
      + entry("rita", "team-a", "read", RITA) + entry("bob", "team-b", "submit", BOB)
      + entry("ada", "ops", "admin", ADA);

  @BeforeAll
  static void start() throws Exception {
    FashionSubset data = FashionSubset.write(Files.createDirectories(tmp.resolve("data")), 300, 100);
    good = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 1, 32), tmp));
    tokensFile = Files.writeString(tmp.resolve("tokens.yaml"), TOKENS + entry("carol", "team-c", "read", CAROL));
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .settings(new JobSettings(1, 20, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(600), Duration.ofSeconds(1)))
        .clientTokensFile(tokensFile, Duration.ofMillis(100))
        .dataRoots(List.of(tmp.resolve("data")))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();

    job = as(JobServiceGrpc.newBlockingStub(channel), ALICE).submitJob(SubmitJobRequest.newBuilder().setSpec(good)
        .build());
    beforeProbesMs = System.currentTimeMillis();
    GetJobRequest get = GetJobRequest.newBuilder().setJobId(job.getId()).build();
    refused(() -> as(JobServiceGrpc.newBlockingStub(channel), BOB).getJob(get));                   // another tenant
    refused(() -> JobServiceGrpc.newBlockingStub(channel).listJobs(ListJobsRequest.getDefaultInstance())); // no token
    refused(() -> as(JobServiceGrpc.newBlockingStub(channel), RITA).cancelJob(CancelJobRequest.newBuilder()
        .setJobId(job.getId()).build()));                                                              // read role
    as(JobServiceGrpc.newBlockingStub(channel), ALICE).cancelJob(CancelJobRequest.newBuilder()
        .setJobId(job.getId()).build());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  static <S extends AbstractBlockingStub<S>> S as(S stub, String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class);
  }

  static AuditServiceGrpc.AuditServiceBlockingStub audit(String token) {
    return as(AuditServiceGrpc.newBlockingStub(channel), token);
  }

  static Status.Code code(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    List<StatusRuntimeException> caught = new ArrayList<>();
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, caught::add);
    return caught.get(0).getStatus().getCode();
  }

  static String line(AuditEvent e) {
    return e.getAction().name().substring("AUDIT_ACTION_".length()) + " " + e.getMethod() + " " + e.getPrincipal()
        + " " + e.getTenant() + " " + e.getCode() + " " + e.getReason();
  }

  @Test
  void anAdminReadsWhatWasDoneAndWhatWasRefusedNewestFirst() {
    List<AuditEvent> events = audit(ADA).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()).getEventsList();
    // the oldest five: what the set-up did (other tests add newer records)
    assertThat(events).extracting(AuditEventsTest::line).endsWith(
        "CANCEL  alice team-a OK ",
        "REFUSE JobService.CancelJob rita team-a PERMISSION_DENIED ROLE_TOO_WEAK",
        "REFUSE JobService.ListJobs   UNAUTHENTICATED NO_TOKEN",
        "REFUSE JobService.GetJob bob team-b NOT_FOUND OTHER_TENANT",
        "SUBMIT  alice team-a OK ");
    assertThat(events.get(events.size() - 5).getJobId()).isEqualTo(job.getId());
    assertThat(events.get(events.size() - 2).getJobId()).isEqualTo(job.getId());
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getPeer()).startsWith("127.0.0.1:");
      assertThat(e.getTimeMs()).isPositive();
      assertThat(e.toString()).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain(RITA).doesNotContain(ADA);
    });
    assertThat(events).extracting(AuditEvent::getSequence).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void filtersByTenantActionTimeAndJob() {
    assertThat(audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setTenant("team-b").build())
        .getEventsList()).extracting(AuditEventsTest::line)
        .containsExactly("REFUSE JobService.GetJob bob team-b NOT_FOUND OTHER_TENANT");
    assertThat(audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .addActions(AuditAction.AUDIT_ACTION_REFUSE).setSinceMs(beforeProbesMs).build()).getEventsList())
        .extracting(AuditEvent::getReason).endsWith("ROLE_TOO_WEAK", "NO_TOKEN", "OTHER_TENANT")
        .doesNotContain("");
    assertThat(audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setJobId(job.getId())
        .addActions(AuditAction.AUDIT_ACTION_SUBMIT).addActions(AuditAction.AUDIT_ACTION_CANCEL).build())
        .getEventsList()).extracting(AuditEvent::getAction)
        .containsExactly(AuditAction.AUDIT_ACTION_CANCEL, AuditAction.AUDIT_ACTION_SUBMIT);
    assertThat(audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .setSinceMs(System.currentTimeMillis() + 60_000).build()).getEventsList()).isEmpty();
  }

  @Test
  void pagesFitTogetherAndATokenBelongsToItsFilters() {
    List<AuditEvent> all = audit(ADA).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()).getEventsList();
    List<AuditEvent> paged = new ArrayList<>();
    ListAuditEventsRequest.Builder request = ListAuditEventsRequest.newBuilder().setPageSize(2);
    ListAuditEventsResponse page;
    do {
      page = audit(ADA).listAuditEvents(request.build());
      assertThat(page.getEventsCount()).isLessThanOrEqualTo(2);
      paged.addAll(page.getEventsList());
      request.setPageToken(page.getNextPageToken());
    } while (!page.getNextPageToken().isEmpty());
    assertThat(paged).extracting(AuditEvent::getSequence)
        .containsExactlyElementsOf(all.stream().map(AuditEvent::getSequence).toList());

    String token = audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setPageSize(1).build())
        .getNextPageToken();
    assertThat(code(() -> audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setPageSize(1)
        .setTenant("team-a").setPageToken(token).build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setPageToken("x!").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().setPageSize(-1).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder().addActionsValue(99)
        .build()))).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aTenantReadsOnlyWhatWasDoneToItsOwnJobsAndNoRefusals() {
    List<AuditEvent> mine = audit(RITA).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()).getEventsList();
    assertThat(mine).extracting(AuditEventsTest::line).containsExactly("CANCEL  alice team-a OK ",
        "SUBMIT  alice team-a OK ");
    assertThat(audit(BOB).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()).getEventsList())
        .as("bob's own refusal is not shown to him: it would tell that team-a's job exists").isEmpty();
    assertThat(code(() -> audit(RITA).listAuditEvents(ListAuditEventsRequest.newBuilder().setTenant("team-b")
        .build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> audit(RITA).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .addActions(AuditAction.AUDIT_ACTION_REFUSE).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> AuditServiceGrpc.newBlockingStub(channel).listAuditEvents(
        ListAuditEventsRequest.getDefaultInstance()))).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aTokenRemovedFromTheFileIsRefusedByTheRunningCoordinator() throws Exception {
    var asCarol = as(JobServiceGrpc.newBlockingStub(channel), CAROL);
    assertThat(asCarol.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()).isEmpty();

    Files.writeString(tokensFile, TOKENS);
    Files.setLastModifiedTime(tokensFile, FileTime.fromMillis(System.currentTimeMillis() - 60_000));

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(code(() -> asCarol.listJobs(ListJobsRequest.getDefaultInstance())))
            .isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(as(JobServiceGrpc.newBlockingStub(channel), ALICE).listJobs(ListJobsRequest.getDefaultInstance())
        .getJobsList()).extracting(Job::getId).contains(job.getId());
    // the revoked token's use is recorded by its fingerprint: an operator finds it among the old file's hashes
    String fingerprint = "sha256:" + HexFormat.of().formatHex(TokenTable.sha256(CAROL)).substring(0, 12);
    assertThat(audit(ADA).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .addActions(AuditAction.AUDIT_ACTION_REFUSE).build()).getEventsList()).extracting(AuditEventsTest::line)
        .contains("REFUSE JobService.ListJobs " + fingerprint + "  UNAUTHENTICATED UNKNOWN_TOKEN");
  }
}
