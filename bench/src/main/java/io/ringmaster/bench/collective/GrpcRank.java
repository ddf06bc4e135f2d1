package io.ringmaster.bench.collective;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.collective.CollectiveTransport;
import io.ringmaster.worker.collective.PeerAddress;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingMembership;
import io.ringmaster.worker.collective.RingOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One benchmark rank: a worker-like gRPC server with the collective service, and its ring. */
final class GrpcRank implements AutoCloseable {
  private final CollectiveService service = new CollectiveService();
  private final Server server;
  private RingAllReduce ring;

  GrpcRank(RingOptions options) throws IOException {
    server = CollectiveTransport.configure(
            NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            options)
        .addService(service)
        .build()
        .start();
  }

  int port() {
    return server.getPort();
  }

  RingAllReduce join(int rank, int port0, int port1, RingOptions options) {
    String host = InetAddress.getLoopbackAddress().getHostAddress();
    ring = RingAllReduce.join(service, new RingMembership(1, rank,
        List.of(new PeerAddress(host, port0), new PeerAddress(host, port1))), options);
    return ring;
  }

  @Override
  public void close() throws InterruptedException {
    if (ring != null) {
      ring.close();
    }
    service.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
