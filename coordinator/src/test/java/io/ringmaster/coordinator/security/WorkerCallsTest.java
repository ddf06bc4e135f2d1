package io.ringmaster.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.auth.ClientAuthInterceptor;
import io.ringmaster.coordinator.checkpoint.CheckpointService;
import io.ringmaster.coordinator.checkpoint.CheckpointSink;
import io.ringmaster.coordinator.checkpoint.CheckpointStore;
import io.ringmaster.coordinator.datasets.DatasetLimits;
import io.ringmaster.coordinator.datasets.DatasetServiceImpl;
import io.ringmaster.coordinator.datasets.DatasetStore;
import io.ringmaster.coordinator.datasets.JobFiles;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.checkpoint.CheckpointChunks;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.job.testing.SampleCheckpoints;
import io.ringmaster.job.transfer.ClientStreams;
import io.ringmaster.job.transfer.FileChunks;
import io.ringmaster.job.transfer.FileReceiver;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DownloadCheckpointRequest;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call a worker makes to the coordinator besides Attach, against the real services behind the
 * interceptors as the coordinator installs them (in-process gRPC): a worker of job A gets A's checkpoints,
 * files and model slot; a worker of job B, a caller without a secret or with a wrong one, gets none of A's, and
 * a refused call never reaches the service (nothing is read or written).
 */
class WorkerCallsTest {
  @TempDir Path dir;
  final JobCredentials credentials = JobCredentials.random();
  /** Methods whose call reached the service (passed every interceptor). */
  final List<String> reached = new CopyOnWriteArrayList<>();
  /** Jobs the checkpoint sink was asked about. */
  final List<String> admitted = new CopyOnWriteArrayList<>();
  CheckpointStore checkpoints;
  Server server;
  ManagedChannel channel;
  Path fileA;
  Path fileB;
  Map<String, Job> jobs;

  @BeforeEach
  void start() throws Exception {
    checkpoints = new CheckpointStore(dir.resolve("jobs"), new InMemoryJobStore());
    CheckpointSink sink = new CheckpointSink() {
      @Override
      public Admission admit(String jobId) {
        admitted.add(jobId);
        return Admission.accept();
      }

      @Override
      public void stored(CheckpointRef ref) {
      }
    };
    fileA = Files.write(dir.resolve("a.csv"), "label,x\n1,2\n".getBytes());
    fileB = Files.write(dir.resolve("b.csv"), "label,x\n3,4\n".getBytes());
    String shaA = Sha256.ofFile(fileA);
    String shaB = Sha256.ofFile(fileB);
    jobs = Map.of("job-a", job("job-a"), "job-b", job("job-b"));
    JobFiles files = new JobFiles() {
      @Override
      public Optional<Job> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
      }

      @Override
      public Optional<Path> dataFile(String sha256) {
        return sha256.equals(shaA) ? Optional.of(fileA) : sha256.equals(shaB) ? Optional.of(fileB) : Optional.empty();
      }

      @Override
      public List<String> jobsUsing(String sha256) {
        return List.of();
      }

      @Override
      public boolean isDataFileOf(String jobId, String sha256) {
        return jobId.equals("job-a") ? sha256.equals(shaA) : jobId.equals("job-b") && sha256.equals(shaB);
      }
    };
    DatasetStore datasets = new DatasetStore(dir.resolve("datasets"), new DatasetLimits(1 << 20, 0, 8,
        Duration.ofHours(1)), System::currentTimeMillis);
    WorkerCallGuard guard = new WorkerCallGuard(new WorkerAuthenticator(credentials, true));
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        reached.add(call.getMethodDescriptor().getBareMethodName());
        return next.startCall(call, headers);
      }
    };
    String name = InProcessServerBuilder.generateName();
    // as CoordinatorServer installs them (the last interceptor runs first), with a recorder next to the service
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new CheckpointService(checkpoints, sink), recorder, guard))
        .addService(ServerInterceptors.intercept(new DatasetServiceImpl(datasets, files), recorder,
            ClientAuthInterceptor.disabled(), guard))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private Job job(String id) throws Exception {
    return Job.newBuilder().setId(id).setState(JobState.JOB_STATE_RUNNING)
        .setJobDir(Files.createDirectories(dir.resolve("jobs").resolve(id)).toString()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** The channel as a caller presenting {@code job} and {@code secret} (either may be null: not sent). */
  private Channel presenting(String job, String secret) {
    Metadata m = new Metadata();
    if (job != null) {
      m.put(Metadata.Key.of(JobCredentials.JOB_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER), job);
    }
    if (secret != null) {
      m.put(Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER), secret);
    }
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  /** The channel as a worker of {@code job} (its own secret). */
  private Channel workerOf(String job) {
    return presenting(job, credentials.jobSecret(job));
  }

  /** Callers that are not job A's workers, and the status each gets. */
  private List<Object[]> strangersToA() {
    List<Object[]> out = new ArrayList<>();
    out.add(new Object[] {"nothing presented", presenting(null, null), Status.Code.UNAUTHENTICATED});
    out.add(new Object[] {"job a named, no secret", presenting("job-a", null), Status.Code.UNAUTHENTICATED});
    out.add(new Object[] {"job a named with job b's secret", presenting("job-a", credentials.jobSecret("job-b")),
        Status.Code.PERMISSION_DENIED});
    out.add(new Object[] {"job a named with a made-up secret", presenting("job-a", "f".repeat(64)),
        Status.Code.PERMISSION_DENIED});
    return out;
  }

  private static void assertRefused(String who, ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).as(who).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).as(who + ": " + e.getStatus()).isEqualTo(code));
  }

  private CheckpointRef upload(Channel ch, Checkpoint c) throws Exception {
    return ClientStreams.call(CheckpointsGrpc.newStub(ch)::upload, CheckpointChunks.split(c).iterator(), 20_000);
  }

  private List<CheckpointChunk> download(Channel ch, String job, String id) {
    List<CheckpointChunk> chunks = new ArrayList<>();
    CheckpointsGrpc.newBlockingStub(ch).download(DownloadCheckpointRequest.newBuilder().setJobId(job)
        .setCheckpointId(id).build()).forEachRemaining(chunks::add);
    return chunks;
  }

  @Test
  void checkpointUploadIsForTheWorkersOwnJobOnly() throws Exception {
    Checkpoint ofA = SampleCheckpoints.of("job-a", 1, 10, 100);
    for (Object[] s : strangersToA()) {
      assertRefused((String) s[0], () -> upload((Channel) s[1], ofA), (Status.Code) s[2]);
    }
    assertThat(reached).as("refused at the door: the service never ran").isEmpty();
    assertRefused("job b's worker uploading a checkpoint of job a", () -> upload(workerOf("job-b"), ofA),
        Status.Code.PERMISSION_DENIED);
    assertThat(admitted).as("the job was never looked up for a refused upload").isEmpty();
    assertThat(checkpoints.list("job-a")).as("nothing stored").isEmpty();

    CheckpointRef ref = upload(workerOf("job-a"), ofA);
    assertThat(checkpoints.list("job-a")).containsExactly(ref);
  }

  @Test
  void checkpointDownloadIsForTheWorkersOwnJobOnly() throws Exception {
    CheckpointRef ref = checkpoints.save("job-a", SampleCheckpoints.of("job-a", 1, 10, 100));
    for (Object[] s : strangersToA()) {
      assertRefused((String) s[0], () -> download((Channel) s[1], "job-a", ref.getId()), (Status.Code) s[2]);
    }
    assertThat(reached).as("refused at the door: the service never ran").isEmpty();
    assertThatThrownBy(() -> download(workerOf("job-b"), "job-a", ref.getId()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("names job job-a")
              .as("no list of job a's checkpoints").doesNotContain(ref.getId());
        });

    List<CheckpointChunk> chunks = download(workerOf("job-a"), "job-a", ref.getId());
    assertThat(chunks.get(0).getHeader().getJobId()).isEqualTo("job-a");
    assertThat(chunks.get(0).getHeader().getStep()).isEqualTo(10);
  }

  @Test
  void dataFilesAreServedToTheWorkersOfTheJobThatNamesThemOnly() throws Exception {
    String shaA = Sha256.ofFile(fileA);
    DownloadFileRequest a = DownloadFileRequest.newBuilder().setSha256(shaA).build();
    for (Object[] s : strangersToA()) {
      assertRefused((String) s[0], () -> DatasetServiceGrpc.newBlockingStub((Channel) s[1]).downloadFile(a).hasNext(),
          (Status.Code) s[2]);
    }
    assertThat(reached).as("refused at the door: the service never ran").isEmpty();
    // job b's worker asks for job a's file: answered as a file the coordinator does not serve (no oracle)
    assertThatThrownBy(() -> DatasetServiceGrpc.newBlockingStub(workerOf("job-b")).downloadFile(a).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("serves job job-b no file with SHA-256 " + shaA);
        });

    Path got = dir.resolve("cache").resolve("a");
    Files.createDirectories(got.getParent());
    FileReceiver.receive(DatasetServiceGrpc.newBlockingStub(workerOf("job-a")).downloadFile(a), got, shaA, n -> { });
    assertThat(Files.readAllBytes(got)).isEqualTo(Files.readAllBytes(fileA));
  }

  @Test
  void aModelIsUploadedByAWorkerOfItsJobOnly() throws Exception {
    byte[] model = new byte[300_000];
    new java.util.Random(7).nextBytes(model);
    Path local = Files.write(dir.resolve("model-local.zip"), model);
    Path jobDirA = Path.of(jobs.get("job-a").getJobDir());
    for (Object[] s : strangersToA()) {
      assertRefused((String) s[0], () -> uploadModel((Channel) s[1], local, "job-a"), (Status.Code) s[2]);
    }
    assertThat(reached).as("refused at the door: the service never ran").isEmpty();
    assertRefused("job b's worker uploading job a's model", () -> uploadModel(workerOf("job-b"), local, "job-a"),
        Status.Code.PERMISSION_DENIED);
    try (var left = Files.list(jobDirA)) {
      assertThat(left.toList()).as("no model, no temporary file in job a's directory").isEmpty();
    }

    ModelRef ref = uploadModel(workerOf("job-a"), local, "job-a");
    assertThat(ref.getSha256()).isEqualTo(Sha256.of(model));
    assertThat(Files.readAllBytes(jobDirA.resolve(JobFiles.MODEL_FILE))).isEqualTo(model);
  }

  private static ModelRef uploadModel(Channel ch, Path file, String job) throws Exception {
    try (FileChunks chunks = FileChunks.open(file, job, Sha256.ofFile(file))) {
      return ClientStreams.call(DatasetServiceGrpc.newStub(ch)::uploadModel, chunks, 20_000);
    }
  }

  @Test
  void aServiceInstalledWithoutTheGuardServesNothing() throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server bare = InProcessServerBuilder.forName(name).addService(new CheckpointService(checkpoints,
        new CheckpointSink() {
          @Override
          public Admission admit(String jobId) {
            return Admission.accept();
          }

          @Override
          public void stored(CheckpointRef ref) {
          }
        })).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try {
      CheckpointRef ref = checkpoints.save("job-a", SampleCheckpoints.of("job-a", 1, 10, 100));
      Metadata m = new Metadata();
      m.put(Metadata.Key.of(JobCredentials.JOB_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER), "job-a");
      m.put(Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER),
          credentials.jobSecret("job-a"));
      Channel withSecret = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(m));
      // nobody checked the secret: AuthenticatedJob.current() refuses before anything is looked up
      assertThatThrownBy(() -> download(withSecret, "job-a", ref.getId()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).contains("without their authentication interceptor");
          });
    } finally {
      ch.shutdownNow();
      bare.shutdownNow();
    }
  }
}
