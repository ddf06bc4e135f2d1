package io.ringmaster.bench.collective;

import io.grpc.Server;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TransportSecurity;
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

/**
 * One benchmark rank: a worker-like gRPC server with the collective service, and its ring; plaintext, or
 * TLS as a worker runs it (client certificates required, peers dialled with this rank's certificate).
 */
final class GrpcRank implements AutoCloseable {
  private final CollectiveService service;
  private final Server server;
  private RingAllReduce ring;

  GrpcRank(RingOptions options) throws IOException {
    this(options, TransportSecurity.plaintext());
  }

  GrpcRank(RingOptions options, TransportSecurity security) throws IOException {
    service = new CollectiveService(CollectiveService.DEFAULT_PENDING_HELLO_TIMEOUT,
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "bench-collective-timer");
          t.setDaemon(true);
          return t;
        }), security);
    server = CollectiveTransport.configure(
            GrpcEndpoints.server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), security,
                TransportSecurity.ClientAuth.REQUIRE),
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
