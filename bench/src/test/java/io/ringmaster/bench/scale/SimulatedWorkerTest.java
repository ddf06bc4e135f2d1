package io.ringmaster.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.CoordinatorMessage;
import io.ringmaster.proto.v1.DatasetInfo;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Pause;
import io.ringmaster.proto.v1.Peer;
import io.ringmaster.proto.v1.ResumePoint;
import io.ringmaster.proto.v1.RunEpoch;
import io.ringmaster.proto.v1.Welcome;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import io.ringmaster.proto.v1.WorkerMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulated worker against a fake coordinator: it must answer as control.proto says a worker does. */
class SimulatedWorkerTest {
  private final BlockingQueue<WorkerMessage> received = new LinkedBlockingQueue<>();
  private final AtomicReference<StreamObserver<CoordinatorMessage>> toWorker = new AtomicReference<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    timer.shutdownNow();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void answersEveryCommandAsAWorkerDoesWithCountersTheCoordinatorAccepts() throws Exception {
    startFakeCoordinator();
    SimulatedWorker w = new SimulatedWorker(7, WorkerControlGrpc.newStub(channel), timer,
        new Timeline(System::nanoTime), TimeUnit.MILLISECONDS.toNanos(1));
    runProtocol(w);
  }

  private void startFakeCoordinator() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new WorkerControlGrpc.WorkerControlImplBase() {
      @Override
      public StreamObserver<WorkerMessage> attach(StreamObserver<CoordinatorMessage> out) {
        toWorker.set(out);
        return new StreamObserver<>() {
          @Override
          public void onNext(WorkerMessage m) {
            received.add(m);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  private void runProtocol(SimulatedWorker w) throws Exception {
    w.attach();
    assertThat(next(WorkerMessage.BodyCase.HELLO).getHello().getWorkerId()).isEqualTo("sim-00007");
    send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder().setHeartbeatIntervalMs(50)).build());
    assertThat(next(WorkerMessage.BodyCase.HEARTBEAT).getHeartbeat().getActivity().getKind())
        .isEqualTo(WorkerActivity.Kind.NO_JOB);

    Membership.Builder ring = Membership.newBuilder().setGeneration(2).setRank(1);
    for (int r = 0; r < 3; r++) {
      ring.addPeers(Peer.newBuilder().setRank(r).setWorkerId("w" + r));
    }
    send(CoordinatorMessage.newBuilder().setAssign(Assign.newBuilder().setJobId("j")
        .setSpec(JobSpec.newBuilder().setBatchSize(30)).setTrain(DatasetInfo.newBuilder().setSamples(600))
        .setTest(DatasetInfo.newBuilder().setSamples(100)).setMembership(ring)
        .setResume(ResumePoint.newBuilder().setEpoch(1).setStep(0).setFresh(true))).build());
    assertThat(next(WorkerMessage.BodyCase.READY).getReady().getGeneration()).isEqualTo(2);

    send(CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder().setJobId("j").setEpoch(1)
        .setGeneration(2)).build());
    var result = next(WorkerMessage.BodyCase.EPOCH_RESULT).getEpochResult();
    assertThat(result.getSteps()).as("ceil(600 / 30)").isEqualTo(20);
    assertThat(result.getTrainSamples()).as("the global counter, as on every rank").isEqualTo(600);
    assertThat(result.getTestSamples()).as("rank 1 of 3: test samples [33, 66)").isEqualTo(33);
    assertThat(result.getGeneration()).isEqualTo(2);

    send(CoordinatorMessage.newBuilder().setPause(Pause.newBuilder().setJobId("j").setGeneration(2)).build());
    var paused = next(WorkerMessage.BodyCase.PAUSED).getPaused();
    assertThat(paused.getCompletedSteps()).isEqualTo(20);
    assertThat(paused.getEpochTrained()).isTrue();
    assertThat(paused.getHoldsState()).isTrue();

    send(CoordinatorMessage.newBuilder().setRunEpoch(RunEpoch.newBuilder().setJobId("j").setEpoch(2)
        .setGeneration(2)).build());
    assertThat(next(WorkerMessage.BodyCase.PAUSED).getPaused().getGeneration())
        .as("a RunEpoch of a paused generation is answered Paused").isEqualTo(2);
  }

  @Test
  void attachesAgainWhenTheCoordinatorEndsItsStreamButNotAfterACut() throws Exception {
    startFakeCoordinator();
    SimulatedWorker w = new SimulatedWorker(3, WorkerControlGrpc.newStub(channel), timer,
        new Timeline(System::nanoTime), TimeUnit.SECONDS.toNanos(1));
    w.attach();
    next(WorkerMessage.BodyCase.HELLO);
    toWorker.get().onError(io.grpc.Status.UNAVAILABLE.withDescription("dropped: no heartbeat").asRuntimeException());
    assertThat(next(WorkerMessage.BodyCase.HELLO).getHello().getWorkerId()).as("the same worker, a new stream")
        .isEqualTo("sim-00003");

    w.cutStream();
    assertThat(received.poll(1500, TimeUnit.MILLISECONDS)).as("a cut worker stays away").isNull();
  }

  private void send(CoordinatorMessage m) {
    toWorker.get().onNext(m);
  }

  /** The next message of this kind (heartbeats and progress in between are skipped). */
  private WorkerMessage next(WorkerMessage.BodyCase kind) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      WorkerMessage m = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError("no " + kind + " within 10 s");
      }
      if (m.getBodyCase() == kind) {
        return m;
      }
    }
  }
}
