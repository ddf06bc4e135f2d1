package io.ringmaster.job.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
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
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.FetchStateRequest;
import io.ringmaster.proto.v1.ReplicaStateGrpc;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckpointSender} and {@link CheckpointReceiver} on a real (in-process) {@code ReplicaState.Fetch}
 * call, the way worker-to-worker state transfer uses them.
 */
class CheckpointStreamingTest {
  static final Checkpoint STATE = TestCheckpoints.checkpoint("job-s", 3, 40, 300_000, 600_000);

  final AtomicInteger sent = new AtomicInteger();
  final AtomicInteger maxAheadOfRequests = new AtomicInteger(Integer.MIN_VALUE);
  final AtomicInteger clientRequested = new AtomicInteger();
  Server server;
  ManagedChannel channel;

  /** Serves {@link #STATE} for generation 7, FAILED_PRECONDITION otherwise. */
  static final class StateService extends ReplicaStateGrpc.ReplicaStateImplBase {
    @Override
    public void fetch(FetchStateRequest request, StreamObserver<CheckpointChunk> responses) {
      if (request.getGeneration() != 7) {
        responses.onError(Status.FAILED_PRECONDITION.withDescription("no replica paused for generation "
            + request.getGeneration()).asRuntimeException());
        return;
      }
      CheckpointSender.send(STATE, responses);
    }
  }

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor countSends = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            int n = sent.incrementAndGet();
            maxAheadOfRequests.accumulateAndGet(n - clientRequested.get(), Math::max);
            super.sendMessage(message);
          }
        }, headers);
      }
    };
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new StateService(), countSends)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void fetchedStateIsBitExact() throws Exception {
    CheckpointReceiver<FetchStateRequest> receiver = new CheckpointReceiver<>("state of job-s from rank 0");
    ReplicaStateGrpc.newStub(channel).fetch(FetchStateRequest.newBuilder().setJobId("job-s").setGeneration(7)
        .build(), receiver);

    Checkpoint got = receiver.result().get(20, TimeUnit.SECONDS);
    assertThat(got).isEqualTo(STATE);
    assertThat(FloatBytesTest.bits(FloatBytes.toFloats(got.getParams())))
        .isEqualTo(FloatBytesTest.bits(FloatBytes.toFloats(STATE.getParams())));
  }

  @Test
  void serverErrorsReachTheReceiverWithTheirStatus() {
    CheckpointReceiver<FetchStateRequest> receiver = new CheckpointReceiver<>("state of job-s from rank 0");
    ReplicaStateGrpc.newStub(channel).fetch(FetchStateRequest.newBuilder().setGeneration(3).build(), receiver);

    assertThatThrownBy(() -> receiver.result().get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("generation 3").contains("from rank 0");
        });
  }

  @Test
  void senderNeverRunsAheadOfWhatTheClientAskedFor() throws Exception {
    BlockingQueue<CheckpointChunk> received = new LinkedBlockingQueue<>();
    CheckpointAssembler assembler = new CheckpointAssembler();
    ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
    BlockingQueue<Object> end = new LinkedBlockingQueue<>();
    ReplicaStateGrpc.newStub(channel).fetch(FetchStateRequest.newBuilder().setGeneration(7).build(),
        new ClientResponseObserver<FetchStateRequest, CheckpointChunk>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<FetchStateRequest> requestStream) {
            call[0] = requestStream;
            clientRequested.set(1);
            requestStream.disableAutoRequestWithInitial(1);
          }

          @Override
          public void onNext(CheckpointChunk value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {
            end.add(t);
          }

          @Override
          public void onCompleted() {
            end.add("completed");
          }
        });
    int expected = CheckpointChunks.split(STATE).size();
    for (int i = 0; i < expected; i++) {
      CheckpointChunk c = received.poll(20, TimeUnit.SECONDS);
      assertThat(c).as("chunk %d of %d", i + 1, expected).isNotNull();
      assembler.accept(c);
      clientRequested.incrementAndGet(); // counted before asking, so a send never sees a stale count
      call[0].request(1);
    }
    assertThat(end.poll(20, TimeUnit.SECONDS)).isEqualTo("completed");
    assertThat(assembler.finish()).isEqualTo(STATE);
    assertThat(sent.get()).isEqualTo(expected);
    assertThat(maxAheadOfRequests.get()).as("chunks sent beyond the client's requests").isLessThanOrEqualTo(0);
  }
}
