package io.ringmaster.coordinator.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.GetDatasetRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ListDatasetsRequest;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets per tenant on a real coordinator with client tokens (external scheduler: jobs stay queued):
 * another tenant's dataset is NOT_FOUND in every method and at SubmitJob, word for word as an unknown one,
 * and pushing bytes another tenant stored sends them all again.
 */
class DatasetTenantsOnCoordinatorTest {
  static final String ALICE = "alice-0123456789abcdef0123456789abcdef";
  static final String BOB = "bob-0123456789abcdef0123456789abcdef01";
  static final String ADA = "ada-0123456789abcdef0123456789abcdef01";

  @TempDir Path dir;
  CoordinatorServer coordinator;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    TokenTable tokens = new TokenTable(List.of(
        new TokenTable.Entry("alice", "team-a", Role.SUBMIT, TokenTable.sha256(ALICE)),
        new TokenTable.Entry("bob", "team-b", Role.SUBMIT, TokenTable.sha256(BOB)),
        new TokenTable.Entry("ada", "ops", Role.ADMIN, TokenTable.sha256(ADA))), Map.of());
    coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).store(new InMemoryJobStore())
        .clientTokens(tokens).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  Channel as(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static JobSpec spec(String images, String labels) {
    return JobSpec.newBuilder()
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder().setArchitecture("mlp")))
        .setData(DataSpec.newBuilder()
            .setTrain(DatasetRef.newBuilder().setDataset(images).setLabelsDataset(labels))
            .setTest(DatasetRef.newBuilder().setDataset(images).setLabelsDataset(labels)))
        .setEpochs(1).setBatchSize(4).setUpdater(UpdaterSpec.newBuilder().setType("sgd").setLearningRate(0.1))
        .build();
  }

  static StatusRuntimeException failure(ThrowingCallable call) {
    List<StatusRuntimeException> caught = new ArrayList<>();
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, caught::add);
    return caught.get(0);
  }

  @Test
  void aTenantNeitherSeesNorUsesAnotherTenantsDatasetsAndLearnsNothingFromPushingTheSameBytes() throws Exception {
    Path images = Files.write(dir.resolve("i"), SampleFiles.idxImages(16, 4, 4, 2));
    Path labels = Files.write(dir.resolve("l"), SampleFiles.idxLabels(16, 4));
    String imagesSha = new DatasetUploader(as(ALICE)).upload(images, "imgs", n -> { }).getDataset().getSha256();
    String labelsSha = new DatasetUploader(as(ALICE)).upload(labels, "lbls", n -> { }).getDataset().getSha256();
    String unknownSha = Sha256.of(new byte[] {1, 2, 3});
    var bob = DatasetServiceGrpc.newBlockingStub(as(BOB));

    assertThat(bob.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList()).isEmpty();
    for (String[] ref : new String[][] {{"imgs", "nothing"}, {imagesSha, unknownSha}, {"team-a/imgs", "team-a/x"}}) {
      StatusRuntimeException foreign = failure(() -> bob.getDataset(GetDatasetRequest.newBuilder().setDataset(ref[0])
          .build()));
      StatusRuntimeException unknown = failure(() -> bob.getDataset(GetDatasetRequest.newBuilder().setDataset(ref[1])
          .build()));
      assertThat(foreign.getStatus().getCode()).as(ref[0]).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(foreign.getStatus().getDescription()).as(ref[0])
          .isEqualTo(unknown.getStatus().getDescription().replace(ref[1], ref[0]));
      assertThat(failure(() -> bob.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset(ref[0]).build()))
          .getStatus().getCode()).as(ref[0]).isEqualTo(Status.Code.NOT_FOUND);
    }

    // SubmitJob naming alice's datasets, by name or hash: refused as if they did not exist
    var bobJobs = JobServiceGrpc.newBlockingStub(as(BOB));
    StatusRuntimeException byHash = failure(() -> bobJobs.submitJob(SubmitJobRequest.newBuilder()
        .setSpec(spec(imagesSha, labelsSha)).build()));
    StatusRuntimeException byUnknown = failure(() -> bobJobs.submitJob(SubmitJobRequest.newBuilder()
        .setSpec(spec(unknownSha, Sha256.of(new byte[] {4}))).build()));
    assertThat(byHash.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(byHash.getStatus().getDescription()).contains("spec.data.train.dataset").isEqualTo(byUnknown.getStatus()
        .getDescription().replace(unknownSha, imagesSha).replace(Sha256.of(new byte[] {4}), labelsSha));
    assertThat(failure(() -> bobJobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec("imgs", "lbls")).build()))
        .getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    // bob pushes the same bytes: every byte is sent, then he holds his own copy and may train on it
    List<Long> progress = new ArrayList<>();
    Dataset bobs = new DatasetUploader(as(BOB)).upload(images, "my-imgs", progress::add).getDataset();
    assertThat(progress).as("the upload was not skipped").isNotEmpty().last().isEqualTo(Files.size(images));
    assertThat(bobs.getSha256()).isEqualTo(imagesSha);
    assertThat(bobs.getTenant()).isEqualTo("team-b");
    new DatasetUploader(as(BOB)).upload(labels, "my-lbls", n -> { });
    Job job = bobJobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec("my-imgs", "my-lbls")).build());
    assertThat(job.getTenant()).isEqualTo("team-b");
    assertThat(job.getSpec().getData().getTrain().getDataset()).isEqualTo(imagesSha);

    // alice may delete hers while bob's job uses the same bytes (and is not told about it); bob may not
    var alice = DatasetServiceGrpc.newBlockingStub(as(ALICE));
    assertThat(alice.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset("imgs").build()).getSha256())
        .isEqualTo(imagesSha);
    StatusRuntimeException inUse = failure(() -> bob.deleteDataset(DeleteDatasetRequest.newBuilder()
        .setDataset("my-imgs").build()));
    assertThat(inUse.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(inUse.getStatus().getDescription()).contains(job.getId());

    // the admin sees every tenant's datasets, each with its tenant
    var ada = DatasetServiceGrpc.newBlockingStub(as(ADA));
    assertThat(ada.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList())
        .extracting(Dataset::getTenant, Dataset::getName).containsExactly(
            org.assertj.core.groups.Tuple.tuple("team-a", "lbls"),
            org.assertj.core.groups.Tuple.tuple("team-b", "my-imgs"),
            org.assertj.core.groups.Tuple.tuple("team-b", "my-lbls"));
    JobServiceGrpc.newBlockingStub(as(BOB)).cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
  }
}
