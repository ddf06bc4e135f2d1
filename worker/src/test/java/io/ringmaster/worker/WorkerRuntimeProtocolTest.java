package io.ringmaster.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.FailureReason;
import io.ringmaster.proto.v1.FetchStateRequest;
import io.ringmaster.proto.v1.GpuDevice;
import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Pause;
import io.ringmaster.proto.v1.Peer;
import io.ringmaster.proto.v1.Release;
import io.ringmaster.proto.v1.ReplicaStateGrpc;
import io.ringmaster.proto.v1.ResumePoint;
import io.ringmaster.proto.v1.RunEpoch;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerActivity.Kind;
import io.ringmaster.proto.v1.WorkerMessage;
import io.ringmaster.proto.v1.WorkerMessage.BodyCase;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.devices.DeviceDiscovery;
import io.ringmaster.worker.collective.CollectiveTransport;
import io.ringmaster.worker.collective.PeerAddress;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingMembership;
import io.ringmaster.worker.collective.RingOptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link WorkerRuntime} driven command by command by a {@link FakeCoordinator}: every command ends in
 * an answer, a Pause stops its own generation only, a worker that lost its coordinator serves the next
 * Assign afresh, and heartbeats say what the worker is doing.
 */
class WorkerRuntimeProtocolTest {
  private static final String JOB = "job-1";
  private static final int TRAIN = 120;
  private static final int BATCH = 30;
  private static final int STEPS = TRAIN / BATCH;

  @TempDir Path tmp;
  private io.ringmaster.proto.v1.JobSpec spec;
  private io.ringmaster.proto.v1.DatasetInfo trainInfo;
  private io.ringmaster.proto.v1.DatasetInfo testInfo;

  @BeforeEach
  void writeData() throws Exception {
    Path trainImages = images(tmp.resolve("train-images.idx"), TRAIN);
    Path trainLabels = labels(tmp.resolve("train-labels.idx"), TRAIN);
    Path testImages = images(tmp.resolve("test-images.idx"), 40);
    Path testLabels = labels(tmp.resolve("test-labels.idx"), 40);
    JobSpec parsed = JobSpecYaml.parse("""
        model: {architecture: mlp, hidden: [16]}
        data:
          train: {path: %s, labels: %s}
          test: {path: %s, labels: %s}
        epochs: 2
        batchSize: %d
        updater: {type: adam, learningRate: 0.002}
        seed: 7
        workers: 2
        faultTolerance: {stallWarningS: 3}
        """.formatted(trainImages, trainLabels, testImages, testLabels, BATCH), tmp);
    spec = SpecProtos.toProto(parsed);
    trainInfo = DatasetLoader.load(parsed.data().train()).info().toProto();
    testInfo = DatasetLoader.load(parsed.data().test()).info().toProto();
  }

  @Test
  void aStalePauseDoesNotStopTheNextGenerationAndEveryCommandIsAnswered() throws Exception {
    try (FakeCoordinator coordinator = new FakeCoordinator();
        WorkerRuntime worker = worker(coordinator, WorkerEnvironment.system())) {
      coordinator.next(BodyCase.HELLO);
      assertThat(coordinator.awaitActivity(a -> true).getKind()).isEqualTo(Kind.NO_JOB);

      coordinator.send(assign(1, alone(worker), fresh()));
      assertThat(coordinator.next(BodyCase.READY).getReady().getGeneration()).isEqualTo(1);
      WorkerActivity ready = coordinator.awaitActivity(a -> a.getKind() == Kind.WAITING);
      assertThat(ready).isEqualTo(activity(Kind.WAITING, 1, 1, 0));

      coordinator.send(pause(1));
      var paused = coordinator.next(BodyCase.PAUSED).getPaused();
      assertThat(paused.getGeneration()).isEqualTo(1);
      assertThat(paused.getHoldsState()).isTrue();

      // a RunEpoch of the paused generation is not silently dropped: it answers Paused again
      coordinator.send(runEpoch(1, 1));
      assertThat(coordinator.next(BodyCase.PAUSED).getPaused().getGeneration()).isEqualTo(1);

      coordinator.send(assign(2, alone(worker), local(1, 0)));
      assertThat(coordinator.next(BodyCase.READY).getReady().getGeneration()).isEqualTo(2);

      // a Pause of generation 1 arriving late must not stop generation 2
      coordinator.send(pause(1));
      coordinator.send(runEpoch(1, 2));
      var result = coordinator.next(BodyCase.EPOCH_RESULT).getEpochResult();
      assertThat(result.getGeneration()).isEqualTo(2);
      assertThat(result.getTrainSamples()).isEqualTo(TRAIN);
      assertThat(coordinator.taken(BodyCase.PAUSED)).hasSize(2); // none for the stale Pause
      assertThat(coordinator.awaitActivity(a -> a.getGeneration() == 2 && a.getKind() == Kind.WAITING))
          .isEqualTo(activity(Kind.WAITING, 2, 1, STEPS));

      coordinator.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(JOB)
          .setReason("done")).build());
      assertThat(coordinator.awaitActivity(a -> a.getKind() == Kind.NO_JOB).getJobId()).isEmpty();
    }
  }

  @Test
  void afterLosingItsCoordinatorAWorkerServesTheSameJobAfreshInsteadOfStoppingSilently() throws Exception {
    try (FakeCoordinator coordinator = new FakeCoordinator();
        WorkerRuntime worker = worker(coordinator, WorkerEnvironment.system())) {
      coordinator.next(BodyCase.HELLO);
      coordinator.send(assign(1, alone(worker), fresh()));
      coordinator.next(BodyCase.READY);
      coordinator.send(runEpoch(1, 1));
      assertThat(coordinator.next(BodyCase.EPOCH_RESULT).getEpochResult().getEpoch()).isEqualTo(1);

      coordinator.dropStream(); // the coordinator is cut off; the worker abandons the job and re-attaches
      coordinator.next(BodyCase.HELLO);
      assertThat(coordinator.awaitActivity(a -> true).getKind()).isEqualTo(Kind.NO_JOB);

      // the coordinator gives it the same job again, as a fresh member of a re-formed ring
      coordinator.send(assign(2, alone(worker), fresh()));
      assertThat(coordinator.next(BodyCase.READY).getReady().getGeneration()).isEqualTo(2);
      coordinator.send(runEpoch(1, 2));
      var result = coordinator.next(BodyCase.EPOCH_RESULT).getEpochResult();
      assertThat(result.getGeneration()).isEqualTo(2);
      assertThat(result.getTrainSamples()).isEqualTo(TRAIN);
      assertThat(coordinator.taken(BodyCase.PAUSED)).isEmpty();
    }
  }

  @Test
  void aRunEpochTheWorkerCannotCarryOutIsAnsweredWithAFailureNamingItsJob() throws Exception {
    try (FakeCoordinator coordinator = new FakeCoordinator();
        WorkerRuntime worker = worker(coordinator, WorkerEnvironment.system())) {
      coordinator.next(BodyCase.HELLO);
      coordinator.send(runEpoch(1, 1)); // no Assign yet
      var noJob = coordinator.next(BodyCase.FAILURE).getFailure();
      assertThat(noJob.getJobId()).isEqualTo(JOB);
      assertThat(noJob.getReason()).isEqualTo(FailureReason.FAILURE_REASON_INTERNAL);
      assertThat(noJob.getMessage()).contains("holds no job");

      coordinator.send(assign(3, alone(worker), fresh()));
      coordinator.next(BodyCase.READY);
      coordinator.send(runEpoch(1, 2)); // a generation the worker never joined
      assertThat(coordinator.next(BodyCase.FAILURE).getFailure().getMessage())
          .contains("for generation 2 but this worker is in generation 3");

      coordinator.send(CoordinatorMessage.newBuilder().setRelease(Release.newBuilder().setJobId(JOB)
          .setReason("cancelled")).build());
      coordinator.send(runEpoch(1, 3)); // after the release
      assertThat(coordinator.next(BodyCase.FAILURE).getFailure().getMessage()).contains("holds no job");
      assertThat(coordinator.taken(BodyCase.EPOCH_RESULT)).isEmpty();
    }
  }

  /**
   * A worker reports its devices in its Hello; a job that asks for more GPUs than it has is refused on
   * Assign with GPU_UNAVAILABLE and a message naming what it found, before any replica is built; a CPU job
   * on the same worker is served.
   */
  @Test
  void aWorkerWithoutTheJobsGpusSaysWhatItFoundAndRefusesTheAssign() throws Exception {
    ComputeDevices oneT4 = ComputeDevices.newBuilder().setBackend("CUDA").setCudaVisibleDevices("3")
        .addGpus(GpuDevice.newBuilder().setIndex(0).setName("Tesla T4").setTotalMemoryBytes(16L << 30)).build();
    try (FakeCoordinator coordinator = new FakeCoordinator();
        WorkerRuntime worker = new WorkerRuntime(new WorkerRuntime.Config(coordinator.target(), "127.0.0.1", 0, "",
            "w-gpu", -1, ""), WorkerEnvironment.system()).devices(DeviceDiscovery.fixed(oneT4)).start()) {
      assertThat(coordinator.next(BodyCase.HELLO).getHello().getDevices()).isEqualTo(oneT4);

      io.ringmaster.proto.v1.JobSpec twoGpus = spec.toBuilder()
          .setResources(spec.getResources().toBuilder().setGpus(2)).build();
      coordinator.send(CoordinatorMessage.newBuilder().setAssign(assign(5, alone(worker), fresh()).getAssign()
          .toBuilder().setSpec(twoGpus)).build());
      var refused = coordinator.next(BodyCase.FAILURE).getFailure();
      assertThat(refused.getJobId()).isEqualTo(JOB);
      assertThat(refused.getReason()).isEqualTo(FailureReason.FAILURE_REASON_GPU_UNAVAILABLE);
      assertThat(refused.getMessage()).contains("asks for 2 GPU(s) per worker")
          .contains("sees 1 GPU(s): 0: Tesla T4, 16.0 GiB with CUDA_VISIBLE_DEVICES=3");
      assertThat(worker.runner()).as("nothing was built").isNull();

      coordinator.send(assign(6, alone(worker), fresh())); // the same job without GPUs
      assertThat(coordinator.next(BodyCase.READY).getReady().getGeneration()).as("no Ready for the refused Assign")
          .isEqualTo(6);
    }
  }

  /**
   * Rank 1 of a 2-rank ring is played by the test: it joins but never starts the all-reduce (so the
   * worker's step waits, TRAINING, and a stall report measures the wait on the worker's fake clock), and
   * its state service stalls a joiner's fetch (so the worker stays PREPARING).
   */
  @Test
  void heartbeatsSayWhatTheWorkerDoesInEachPhase() throws Exception {
    AtomicLong nanos = new AtomicLong(TimeUnit.DAYS.toNanos(3));
    WorkerEnvironment env = new WorkerEnvironment(nanos::get, System::currentTimeMillis,
        Executors.newSingleThreadExecutor(), Executors.newSingleThreadScheduledExecutor(),
        Executors.newSingleThreadExecutor());
    CountDownLatch fetchArrived = new CountDownLatch(1);
    CountDownLatch answerFetch = new CountDownLatch(1);
    CollectiveService rank1Service = new CollectiveService();
    Server rank1 = CollectiveTransport.configure(
            NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            RingOptions.defaults())
        .addService(rank1Service)
        .addService(new ReplicaStateGrpc.ReplicaStateImplBase() {
          @Override
          public void fetch(FetchStateRequest request, StreamObserver<CheckpointChunk> out) {
            fetchArrived.countDown();
            try {
              answerFetch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            out.onError(Status.FAILED_PRECONDITION.withDescription("no paused replica (test)").asRuntimeException());
          }
        })
        .build().start();
    try (FakeCoordinator coordinator = new FakeCoordinator();
        WorkerRuntime worker = worker(coordinator, env)) {
      coordinator.next(BodyCase.HELLO);
      assertThat(coordinator.awaitActivity(a -> true)).isEqualTo(WorkerActivity.newBuilder()
          .setKind(Kind.NO_JOB).build());

      List<PeerAddress> peers = List.of(address(worker.port()), address(rank1.getPort()));
      coordinator.send(assign(1, pair(worker, rank1.getPort()), fresh()));
      coordinator.next(BodyCase.READY);
      try (RingAllReduce rank1Ring = RingAllReduce.join(rank1Service, new RingMembership(JOB, 1, 1, peers),
          RingOptions.defaults())) {
        coordinator.send(runEpoch(1, 1));
        assertThat(coordinator.awaitActivity(a -> a.getKind() == Kind.TRAINING))
            .isEqualTo(activity(Kind.TRAINING, 1, 1, 0));
        // step 0's gradient is computed and the worker waits for rank 1 in the all-reduce
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.runner().stall(0) != null);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(3_500)); // past stallWarningS = 3 on the worker's clock
        var stall = coordinator.next(BodyCase.STALL).getStall();
        assertThat(stall.getStep()).isZero();
        assertThat(stall.getWaitingMs()).isEqualTo(3_500);
        assertThat(stall.getWaitingForList()).containsExactly(1);

        coordinator.send(pause(1));
        var paused = coordinator.next(BodyCase.PAUSED).getPaused();
        assertThat(paused.getGeneration()).isEqualTo(1);
        assertThat(paused.getCompletedSteps()).isZero();
      }
      assertThat(coordinator.awaitActivity(a -> a.getKind() == Kind.WAITING)).isEqualTo(activity(Kind.WAITING, 1, 1, 0));

      // generation 2: the worker is told to copy rank 1's replica, whose state service keeps it waiting
      coordinator.send(assign(2, pair(worker, rank1.getPort()), ResumePoint.newBuilder().setEpoch(1).setStep(0)
          .setPeerRank(1).build()));
      assertThat(fetchArrived.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(coordinator.awaitActivity(a -> a.getKind() == Kind.PREPARING))
          .isEqualTo(activity(Kind.PREPARING, 2, 1, 0));
      answerFetch.countDown();
      var failure = coordinator.next(BodyCase.FAILURE).getFailure();
      assertThat(failure.getReason()).isEqualTo(FailureReason.FAILURE_REASON_IO_ERROR);
      assertThat(coordinator.awaitActivity(a -> a.getKind() == Kind.WAITING).getJobId()).isEqualTo(JOB);
      assertThat(coordinator.taken(BodyCase.PAUSED)).hasSize(1); // the stopped epoch answered the Pause once
    } finally {
      answerFetch.countDown();
      rank1.shutdownNow();
      rank1Service.close();
    }
  }

  private WorkerRuntime worker(FakeCoordinator coordinator, WorkerEnvironment env) throws IOException {
    return new WorkerRuntime(new WorkerRuntime.Config(coordinator.target(), "127.0.0.1", 0, "", "w-test", -1, ""),
        env).start();
  }

  private static WorkerActivity activity(Kind kind, long generation, int epoch, long completed) {
    return WorkerActivity.newBuilder().setKind(kind).setJobId(JOB).setGeneration(generation).setEpoch(epoch)
        .setCompletedSteps(completed).build();
  }

  private static PeerAddress address(int port) {
    return new PeerAddress("127.0.0.1", port);
  }

  private static Membership.Builder alone(WorkerRuntime worker) {
    return Membership.newBuilder().setRank(0)
        .addPeers(Peer.newBuilder().setRank(0).setHost("127.0.0.1").setPort(worker.port()));
  }

  /** The worker is rank 0 of two; the test's server at {@code otherPort} is rank 1. */
  private static Membership.Builder pair(WorkerRuntime worker, int otherPort) {
    return Membership.newBuilder().setRank(0)
        .addPeers(Peer.newBuilder().setRank(0).setHost("127.0.0.1").setPort(worker.port()))
        .addPeers(Peer.newBuilder().setRank(1).setHost("127.0.0.1").setPort(otherPort));
  }

  private CoordinatorMessage assign(long generation, Membership.Builder membership, ResumePoint resume) {
    return CoordinatorMessage.newBuilder().setAssign(Assign.newBuilder().setJobId(JOB).setSpec(spec)
        .setTrain(trainInfo).setTest(testInfo).setMembership(membership.setGeneration(generation))
        .setJobDir(tmp.toString()).setResume(resume)).build();
  }

  private static ResumePoint fresh() {
    return ResumePoint.newBuilder().setEpoch(1).setFresh(true).build();
  }

  private static ResumePoint local(int epoch, long step) {
    return ResumePoint.newBuilder().setEpoch(epoch).setStep(step).setLocal(true).build();
  }

  private static CoordinatorMessage pause(long generation) {
    return CoordinatorMessage.newBuilder().setPause(Pause.newBuilder().setJobId(JOB).setGeneration(generation)
        .setReason("test")).build();
  }

  private static CoordinatorMessage runEpoch(int epoch, long generation) {
    return CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder().setJobId(JOB).setEpoch(epoch)
        .setGeneration(generation).setStartStep(0)).build();
  }

  /** {@code n} 28x28 images of small patterns, as an unsigned-byte IDX file. */
  private static Path images(Path file, int n) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x00000803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      for (int i = 0; i < n * 28 * 28; i++) {
        out.writeByte((i * 37 + i / 784) % 251);
      }
    }
    return file;
  }

  /** Labels 0..9 in turn, as an unsigned-byte IDX file. */
  private static Path labels(Path file, int n) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(0x00000801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(i % 10);
      }
    }
    return file;
  }
}
