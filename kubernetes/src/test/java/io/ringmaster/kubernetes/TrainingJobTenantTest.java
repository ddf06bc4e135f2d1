package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.auth.TenantQuota;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.ListJobsRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TrainingJobs of a namespace mapped to a tenant are that tenant's jobs (issue #10): its tokens see them
 * through the API, another tenant's do not, its quota applies, and their specs name only its datasets.
 * External scheduler: the jobs stay queued (nothing here needs pods).
 */
@EnableKubernetesMockClient(crud = true)
class TrainingJobTenantTest {
  static final String ALICE = "alice-0123456789abcdef0123456789abcdef";
  static final String BOB = "bob-0123456789abcdef0123456789abcdef01";

  KubernetesClient client;
  @TempDir Path tmp;
  CoordinatorServer coordinator;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    java.nio.file.Files.createDirectories(tmp.resolve("data"));
    TokenTable tokens = new TokenTable(List.of(
        new TokenTable.Entry("alice", "team-a", Role.READ, TokenTable.sha256(ALICE)),
        new TokenTable.Entry("bob", "team-b", Role.SUBMIT, TokenTable.sha256(BOB))),
        Map.of("team-a", new TenantQuota(1, 0, 0)));
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("coordinator"))
        .store(new InMemoryJobStore()).scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .clientTokens(tokens).dataRoots(List.of(tmp.resolve("data")))
        .tenantExtension((jobs, quotas) -> new TrainingJobReconciler(client, FakeKubelet.NS, jobs, "team-a", quotas)
            .start())
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    coordinator.close();
    client.close();
  }

  Channel as(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private void apply(String name, String jobYaml) {
    String indented = jobYaml.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
    client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB).inNamespace(FakeKubelet.NS)
        .resource(client.getKubernetesSerialization().unmarshal("""
            apiVersion: ringmaster.io/v1alpha1
            kind: TrainingJob
            metadata:
              name: %s
              namespace: %s
            spec:
            %s
            """.formatted(name, FakeKubelet.NS, indented), GenericKubernetesResource.class)).create();
  }

  private Map<?, ?> status(String name) {
    GenericKubernetesResource r = client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB)
        .inNamespace(FakeKubelet.NS).withName(name).get();
    Object s = r == null ? null : r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? m : Map.of();
  }

  @Test
  void theNamespacesTenantSeesItsTrainingJobsAnotherTenantDoesNotAndItsQuotaApplies() throws Exception {
    String yaml = SyntheticData.jobYaml(tmp.resolve("data"), 2, 64, 32, "");
    apply("first", yaml);
    await().atMost(Duration.ofSeconds(20)).until(() -> status("first").get("jobId") instanceof String);
    String id = (String) status("first").get("jobId");

    Job seen = JobServiceGrpc.newBlockingStub(as(ALICE)).getJob(GetJobRequest.newBuilder().setJobId(id).build());
    assertThat(seen.getTenant()).isEqualTo("team-a");
    assertThat(JobServiceGrpc.newBlockingStub(as(ALICE)).listJobs(ListJobsRequest.getDefaultInstance())
        .getJobsList()).extracting(Job::getId).containsExactly(id);
    assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(as(BOB)).getJob(GetJobRequest.newBuilder().setJobId(id)
        .build())).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    apply("second", yaml); // team-a may have one active job
    await().atMost(Duration.ofSeconds(20)).until(() -> "PENDING".equals(status("second").get("state")));
    assertThat((String) status("second").get("message")).contains("tenant team-a").contains("quota is 1");
    assertThat(coordinator.jobs().list()).hasSize(1);
  }

  @Test
  void aTrainingJobMayNameOnlyItsTenantsDatasets() throws Exception {
    SyntheticData.jobYaml(tmp.resolve("data"), 2, 64, 32, "");
    DatasetUploader bob = new DatasetUploader(as(BOB));
    bob.upload(tmp.resolve("data").resolve("train-images.idx"), "imgs", n -> { });
    bob.upload(tmp.resolve("data").resolve("train-labels.idx"), "lbls", n -> { });

    apply("borrowed", """
        model: {architecture: mlp, hidden: [8]}
        data:
          train: {dataset: imgs, labelsDataset: lbls}
          test: {dataset: imgs, labelsDataset: lbls}
        updater: {type: sgd, learningRate: 0.1}
        epochs: 1
        batchSize: 16
        workers: 1
        """);

    await().atMost(Duration.ofSeconds(20)).until(() -> "INVALID".equals(status("borrowed").get("state")));
    assertThat((String) status("borrowed").get("message")).contains("spec.data.train.dataset")
        .contains("no dataset imgs is stored on this coordinator");
    assertThat(coordinator.jobs().list()).isEmpty();
  }
}
