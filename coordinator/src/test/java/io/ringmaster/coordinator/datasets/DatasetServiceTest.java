package io.ringmaster.coordinator.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringmaster.job.transfer.ClientStreams;
import io.ringmaster.job.transfer.CorruptTransferException;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.job.transfer.FileChunks;
import io.ringmaster.job.transfer.FileReceiver;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.GetUploadRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListDatasetsRequest;
import io.ringmaster.proto.v1.ModelRef;
import io.ringmaster.proto.v1.UploadChunk;
import io.ringmaster.proto.v1.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DatasetServiceImpl} over gRPC with the clients workers and the CLI use. */
class DatasetServiceTest {
  @TempDir Path dir;
  DatasetStore store;
  Server server;
  ManagedChannel channel;
  final Map<String, Job> jobs = new ConcurrentHashMap<>();
  final Map<String, List<String>> usage = new ConcurrentHashMap<>();
  /** The data files (SHA-256) of each job: what its workers may download. */
  final Map<String, java.util.Set<String>> dataOf = new ConcurrentHashMap<>();
  final io.ringmaster.job.security.JobCredentials credentials = io.ringmaster.job.security.JobCredentials.random();

  final JobFiles jobFiles = new JobFiles() {
    @Override
    public Optional<Job> job(String jobId) {
      return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public Optional<Path> dataFile(String sha256) {
      return Optional.empty();
    }

    @Override
    public List<String> jobsUsing(String sha256) {
      return usage.getOrDefault(sha256, List.of());
    }

    @Override
    public boolean isDataFileOf(String jobId, String sha256) {
      return dataOf.getOrDefault(jobId, java.util.Set.of()).contains(sha256);
    }
  };

  @BeforeEach
  void start() throws Exception {
    store = new DatasetStore(dir.resolve("datasets"), new DatasetLimits(64L << 20, 0, 8, Duration.ofHours(1)),
        System::currentTimeMillis);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(io.grpc.ServerInterceptors.intercept(
        new DatasetServiceImpl(store, jobFiles), io.ringmaster.coordinator.auth.ClientAuthInterceptor.disabled(),
        new io.ringmaster.coordinator.security.WorkerCallGuard(
            new io.ringmaster.coordinator.security.WorkerAuthenticator(credentials, false))))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** The channel as a worker of {@code jobId} calls: the job named with its secret. */
  io.grpc.Channel worker(String jobId) {
    io.grpc.Metadata m = new io.grpc.Metadata();
    m.put(io.grpc.Metadata.Key.of(io.ringmaster.job.security.JobCredentials.JOB_ID_HEADER,
        io.grpc.Metadata.ASCII_STRING_MARSHALLER), jobId);
    m.put(io.grpc.Metadata.Key.of(io.ringmaster.job.security.JobCredentials.JOB_SECRET_HEADER,
        io.grpc.Metadata.ASCII_STRING_MARSHALLER), credentials.jobSecret(jobId));
    return io.grpc.ClientInterceptors.intercept(channel, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(m));
  }

  Path file(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void aFileOfSeveralChunksIsUploadedListedDownloadedAndDeleted() throws Exception {
    byte[] images = SampleFiles.idxImages(3000, 28, 28, 5); // ~2.2 MiB: three chunks
    List<Long> progress = new ArrayList<>();
    UploadStatus s = new DatasetUploader(channel).upload(file("imgs", images), "train-images", progress::add);

    assertThat(s.getDataset().getSamples()).isEqualTo(3000);
    assertThat(progress).last().isEqualTo((long) images.length);
    var blocking = DatasetServiceGrpc.newBlockingStub(channel);
    assertThat(blocking.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList())
        .extracting(Dataset::getName, Dataset::getSizeBytes).containsExactly(
            org.assertj.core.groups.Tuple.tuple("train-images", (long) images.length));

    Path fetched = dir.resolve("cache").resolve("fetched");
    dataOf.put("job-1", java.util.Set.of(s.getDataset().getSha256()));
    Iterator<FileChunk> stream = DatasetServiceGrpc.newBlockingStub(worker("job-1")).downloadFile(DownloadFileRequest.newBuilder()
        .setSha256(s.getDataset().getSha256()).build());
    FileReceiver.receive(stream, fetched, s.getDataset().getSha256(), n -> { });
    assertThat(Files.readAllBytes(fetched)).isEqualTo(images);

    usage.put(s.getDataset().getSha256(), List.of("job-1"));
    assertThatThrownBy(() -> blocking.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset("train-images").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("job-1");
        });
    usage.clear();
    blocking.deleteDataset(DeleteDatasetRequest.newBuilder().setDataset("train-images").build());
    assertThat(blocking.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList()).isEmpty();
  }

  @Test
  void aStreamThatStopsShortIsResumedFromTheOffsetTheCoordinatorHolds() throws Exception {
    byte[] images = SampleFiles.idxImages(2000, 28, 28, 9);
    Path f = file("imgs", images);
    var blocking = DatasetServiceGrpc.newBlockingStub(channel);
    UploadStatus opened = blocking.startUpload(SampleFiles.announce("part", images));
    DatasetUploader uploader = new DatasetUploader(channel);

    UploadStatus half = uploader.send(f, opened.getUploadId(), 0, FileChunks.CHUNK_BYTES + 10, n -> { });
    assertThat(half.hasDataset()).isFalse();
    assertThat(half.getOffset()).isEqualTo(FileChunks.CHUNK_BYTES + 10);
    assertThat(blocking.getUpload(GetUploadRequest.newBuilder().setUploadId(opened.getUploadId()).build()).getOffset())
        .isEqualTo(FileChunks.CHUNK_BYTES + 10);

    UploadStatus done = uploader.upload(f, "part", n -> { }); // StartUpload finds the upload and resumes it
    assertThat(done.getDataset().getSha256()).isEqualTo(Sha256.of(images));
    assertThat(done.getUploadId()).isEqualTo(opened.getUploadId());
  }

  @Test
  void checkFilesSaysWhichFilesTheCoordinatorReadsWithTheClientsHash() throws Exception {
    byte[] bytes = SampleFiles.idxLabels(5, 2);
    Path here = file("here.idx", bytes);
    var files = List.of(
        io.ringmaster.proto.v1.DataFileHash.newBuilder().setPath(here.toString()).setSha256(Sha256.of(bytes)).build(),
        io.ringmaster.proto.v1.DataFileHash.newBuilder().setPath(here.toString()).setSha256(Sha256.of(new byte[1])).build(),
        io.ringmaster.proto.v1.DataFileHash.newBuilder().setPath(dir.resolve("absent").toString())
            .setSha256(Sha256.of(bytes)).build(),
        io.ringmaster.proto.v1.DataFileHash.newBuilder().setPath("here.idx").setSha256(Sha256.of(bytes)).build());

    var visible = DatasetServiceGrpc.newBlockingStub(channel).checkFiles(
        io.ringmaster.proto.v1.CheckFilesRequest.newBuilder().addAllFiles(files).build()).getVisibleList();

    assertThat(visible).as("same bytes / other bytes there / no file / not an absolute path")
        .containsExactly(true, false, false, false);
  }

  @Test
  void aChunkOverOneMebibyteIsRefused() throws Exception {
    byte[] big = new byte[FileChunks.CHUNK_BYTES + 1];
    UploadStatus opened = DatasetServiceGrpc.newBlockingStub(channel).startUpload(SampleFiles.announce("x", big));
    Iterator<UploadChunk> one = List.of(UploadChunk.newBuilder().setUploadId(opened.getUploadId())
        .setData(ByteString.copyFrom(big)).build()).iterator();

    assertThatThrownBy(() -> ClientStreams.call(DatasetServiceGrpc.newStub(channel)::uploadChunks, one, 10_000))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("at most 1048576");
        });
  }

  @Test
  void aDownloadThatIsNotTheAskedHashIsRejectedAndNothingIsWritten() throws Exception {
    byte[] labels = SampleFiles.idxLabels(50, 10);
    UploadStatus s = new DatasetUploader(channel).upload(file("l", labels), "labels", n -> { });
    Path target = dir.resolve("cache").resolve("l");
    List<FileChunk> chunks = new ArrayList<>();
    dataOf.put("job-1", java.util.Set.of(s.getDataset().getSha256()));
    DatasetServiceGrpc.newBlockingStub(worker("job-1")).downloadFile(DownloadFileRequest.newBuilder()
        .setSha256(s.getDataset().getSha256()).build()).forEachRemaining(chunks::add);
    byte[] flipped = chunks.get(1).getData().toByteArray();
    flipped[20] ^= 0x40;
    chunks.set(1, FileChunk.newBuilder().setData(ByteString.copyFrom(flipped)).build());

    assertThatThrownBy(() -> FileReceiver.receive(chunks.iterator(), target, s.getDataset().getSha256(), n -> { }))
        .isInstanceOf(CorruptTransferException.class).hasMessageContaining("corrupted");
    assertThat(target).doesNotExist();
    assertThat(Files.list(target.getParent())).as("no temporary file left").isEmpty();
  }

  @Test
  void aModelUploadedByRankZeroComesBackByteForByte() throws Exception {
    Path jobDir = Files.createDirectories(dir.resolve("jobs").resolve("job-9"));
    jobs.put("job-9", Job.newBuilder().setId("job-9").setState(JobState.JOB_STATE_RUNNING).setJobDir(jobDir.toString()).build());
    var blocking = DatasetServiceGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> blocking.getModel(GetModelRequest.newBuilder().setJobId("job-9").build()).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

    byte[] model = new byte[(3 << 20) / 2];
    new java.util.Random(4).nextBytes(model);
    Path local = file("model.zip", model);
    try (FileChunks chunks = FileChunks.open(local, "job-9", Sha256.of(model))) {
      ModelRef ref = ClientStreams.call(DatasetServiceGrpc.newStub(worker("job-9"))::uploadModel, chunks, 10_000);
      assertThat(ref.getSha256()).isEqualTo(Sha256.of(model));
    }
    Path downloaded = dir.resolve("out").resolve("model.zip");
    FileReceiver.receive(blocking.getModel(GetModelRequest.newBuilder().setJobId("job-9").build()), downloaded, null,
        n -> { });
    assertThat(Files.readAllBytes(downloaded)).isEqualTo(model);
    assertThatThrownBy(() -> blocking.getModel(GetModelRequest.newBuilder().setJobId("nope").build()).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
