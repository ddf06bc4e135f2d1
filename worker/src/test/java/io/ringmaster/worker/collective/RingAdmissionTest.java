package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CollectiveGrpc;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ring membership at the door ({@link RingAdmission}), as a worker runtime installs it: only callers with
 * the token of a ring this worker joined get in, before any frame is read; members whose call arrives
 * before this worker joined are held and then admitted.
 */
class RingAdmissionTest {
  private static final String JOB = "job-a";
  private static final String TOKEN = "token-of-job-a-generation-1";
  private static final int LENGTH = 4_099;
  private final List<CollectiveService> services = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<RingAllReduce> rings = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  static {
    TestLogging.quietTransport();
  }

  private void start(int n, Duration pendingTimeout) throws Exception {
    for (int r = 0; r < n; r++) {
      CollectiveService service = new CollectiveService(pendingTimeout);
      Server server = CollectiveTransport.configure(
              NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
          .addService(ServerInterceptors.intercept(service, service.admission()))
          .build().start();
      services.add(service);
      servers.add(server);
    }
  }

  private List<PeerAddress> addresses() {
    return servers.stream().map(s -> new PeerAddress(InetAddress.getLoopbackAddress().getHostAddress(), s.getPort()))
        .toList();
  }

  private RingAllReduce join(int rank, String token) {
    RingAllReduce ring = RingAllReduce.join(services.get(rank), new RingMembership(JOB, 1, rank, addresses(), token),
        RingOptions.defaults());
    rings.add(ring);
    return ring;
  }

  @AfterEach
  void stop() throws Exception {
    rings.forEach(RingAllReduce::close);
    services.forEach(CollectiveService::close);
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
  }

  private void sumOnEveryRank(List<RingAllReduce> ring) throws Exception {
    List<FloatBuffer> buffers = new ArrayList<>();
    List<Future<?>> ops = new ArrayList<>();
    for (RingAllReduce r : ring) {
      FloatBuffer buf = TestVectors.input(r.rank(), 0, LENGTH, true);
      buffers.add(buf);
      ops.add(pool.submit(() -> {
        r.allReduceSum(buf);
        return null;
      }));
    }
    for (Future<?> op : ops) {
      op.get(20, TimeUnit.SECONDS);
    }
    TestVectors.Expected expected = TestVectors.expectedSum(ring.size(), 0, LENGTH);
    for (FloatBuffer b : buffers) {
      assertThat(TestVectors.firstWrongSum(b, expected)).isEqualTo(-1);
    }
  }

  @Test
  void membersWhoseCallArrivesBeforeThisWorkerJoinedAreHeldAtTheDoorThenAdmitted() throws Exception {
    start(2, Duration.ofSeconds(30));
    RingAllReduce rank0 = join(0, TOKEN); // connects to rank 1, which has not joined yet

    await().atMost(Duration.ofSeconds(10)).until(() -> services.get(1).admission().heldCalls() == 1);
    assertThat(services.get(1).waitingStreams()).as("held at the door: the service has read nothing").isZero();

    RingAllReduce rank1 = join(1, TOKEN);
    sumOnEveryRank(List.of(rank0, rank1));
    assertThat(services.get(1).admission().heldCalls()).isZero();
  }

  @Test
  void strangersAreRefusedBeforeAnyFrameIsReadAndTheRingIsNotDisturbed() throws Exception {
    start(2, Duration.ofSeconds(30));
    List<RingAllReduce> ring = List.of(join(0, TOKEN), join(1, TOKEN));
    sumOnEveryRank(ring);
    ManagedChannel channel = CollectiveTransport.newChannel(addresses().get(1), RingOptions.defaults());
    try {
      Status wrong = call(channel, RingAdmission.headers(JOB, 1, "guessed"));
      Status none = call(channel, new io.grpc.Metadata());
      Status noToken = call(channel, RingAdmission.headers(JOB, 1, ""));

      assertThat(wrong.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(wrong.getDescription()).contains("did not present the token of ring job job-a generation 1");
      assertThat(none.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(noToken.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      channel.shutdownNow();
    }
    assertThat(services.get(1).waitingStreams()).isZero();
    ring.forEach(r -> assertThat(r.failure()).isEmpty());
    sumOnEveryRank(ring);
  }

  @Test
  void aCallForARingThisWorkerNeverJoinsIsRefusedOnceThePendingTimeoutPasses() throws Exception {
    start(1, Duration.ofMillis(300));
    ManagedChannel channel = CollectiveTransport.newChannel(addresses().get(0), RingOptions.defaults());
    try {
      Status refused = call(channel, RingAdmission.headers("job-z", 7, "anything"));
      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refused.getDescription()).contains("did not join ring job job-z generation 7");
      assertThat(services.get(0).admission().heldCalls()).isZero();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Opens a Ring call with {@code headers}, sends a hello, and returns how the call ended. */
  private Status call(ManagedChannel channel, io.grpc.Metadata headers) throws Exception {
    CompletableFuture<Status> status = new CompletableFuture<>();
    StreamObserver<RingFrame> requests = CollectiveGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .ring(new StreamObserver<RingAck>() {
          @Override
          public void onNext(RingAck value) {}

          @Override
          public void onError(Throwable t) {
            status.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            status.complete(Status.OK);
          }
        });
    requests.onNext(RingFrame.newBuilder().setHello(RingHello.newBuilder().setJobId(JOB).setGeneration(1)
        .setSenderRank(0).setWorldSize(2)).build());
    return status.get(40, TimeUnit.SECONDS);
  }
}
