package io.ringmaster.worker.collective;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N ranks in this JVM, each with its own real Netty gRPC server on a loopback port (like a worker
 * process) and its own {@link CollectiveService}; {@link #join} forms a ring over them.
 */
final class LoopbackRanks implements AutoCloseable {
  final List<Server> servers = new ArrayList<>();
  final List<CollectiveService> services = new ArrayList<>();
  final List<RingAllReduce> rings = new ArrayList<>();
  private final RingOptions options;

  static {
    TestLogging.quietTransport();
  }

  private LoopbackRanks(RingOptions options) {
    this.options = options;
  }

  static LoopbackRanks start(int n, RingOptions options) throws IOException {
    return start(n, options, CollectiveService.DEFAULT_PENDING_HELLO_TIMEOUT);
  }

  static LoopbackRanks start(int n, RingOptions options, Duration pendingHelloTimeout) throws IOException {
    LoopbackRanks ranks = new LoopbackRanks(options);
    try {
      for (int r = 0; r < n; r++) {
        CollectiveService service = new CollectiveService(pendingHelloTimeout);
        Server server = CollectiveTransport.configure(
                NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                options)
            .addService(service)
            .build()
            .start();
        ranks.services.add(service);
        ranks.servers.add(server);
      }
    } catch (IOException | RuntimeException e) {
      ranks.close();
      throw e;
    }
    return ranks;
  }

  List<PeerAddress> addresses() {
    List<PeerAddress> peers = new ArrayList<>();
    for (Server s : servers) {
      peers.add(new PeerAddress(InetAddress.getLoopbackAddress().getHostAddress(), s.getPort()));
    }
    return peers;
  }

  RingMembership membership(long generation, int rank) {
    return membership("", generation, rank);
  }

  RingMembership membership(String jobId, long generation, int rank) {
    return new RingMembership(jobId, generation, rank, addresses());
  }

  /** Every rank joins {@code generation} of a standalone ring; returns the rings indexed by rank. */
  List<RingAllReduce> join(long generation) {
    return join("", generation);
  }

  /** Every rank joins {@code generation} of job {@code jobId}; returns the rings indexed by rank. */
  List<RingAllReduce> join(String jobId, long generation) {
    List<RingAllReduce> joined = new ArrayList<>();
    for (int r = 0; r < servers.size(); r++) {
      RingAllReduce ring = RingAllReduce.join(services.get(r), membership(jobId, generation, r), options);
      rings.add(ring);
      joined.add(ring);
    }
    return joined;
  }

  /** Simulates the death of {@code rank}'s process: connections drop, nobody is told. */
  void kill(int rank, RingAllReduce ring) {
    ring.severForTest();
    servers.get(rank).shutdownNow();
  }

  @Override
  public void close() {
    services.forEach(CollectiveService::close); // rejects streams still waiting for a join
    rings.forEach(RingAllReduce::close);
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (Server s : servers) {
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
