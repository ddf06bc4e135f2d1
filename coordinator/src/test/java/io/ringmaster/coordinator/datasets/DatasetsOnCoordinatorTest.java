package io.ringmaster.coordinator.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator (no workers: external scheduler, so jobs stay queued): a job names uploaded datasets,
 * which cannot be deleted until the job ends.
 */
class DatasetsOnCoordinatorTest {
  @TempDir Path dir;
  CoordinatorServer coordinator;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).store(new InMemoryJobStore()).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  @Test
  void aDatasetAQueuedJobNamesCannotBeDeletedUntilTheJobIsCancelled() throws Exception {
    DatasetUploader up = new DatasetUploader(channel);
    Path images = Files.write(dir.resolve("i"), SampleFiles.idxImages(16, 4, 4, 2));
    Path labels = Files.write(dir.resolve("l"), SampleFiles.idxLabels(16, 4));
    String imagesSha = up.upload(images, "imgs", n -> { }).getDataset().getSha256();
    up.upload(labels, "lbls", n -> { });
    JobSpec spec = JobSpec.newBuilder()
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder().setArchitecture("mlp")))
        .setData(DataSpec.newBuilder()
            .setTrain(DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls"))
            .setTest(DatasetRef.newBuilder().setDataset("imgs").setLabelsDataset("lbls")))
        .setEpochs(1).setBatchSize(4).setUpdater(UpdaterSpec.newBuilder().setType("sgd").setLearningRate(0.1))
        .build();
    var jobs = JobServiceGrpc.newBlockingStub(channel);
    Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
    assertThat(job.getSpec().getData().getTrain().getDataset()).isEqualTo(imagesSha);
    assertThat(job.getTrainSamples()).isEqualTo(16);

    var datasets = DatasetServiceGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> datasets.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset("imgs").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains(job.getId());
        });

    jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
    assertThat(datasets.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset("imgs").build()).getSha256())
        .isEqualTo(imagesSha);
  }
}
