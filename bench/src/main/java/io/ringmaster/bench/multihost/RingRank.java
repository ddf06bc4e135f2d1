package io.ringmaster.bench.multihost;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.collective.CollectiveTransport;
import io.ringmaster.worker.collective.PeerAddress;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingMembership;
import io.ringmaster.worker.collective.RingOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One rank of the multi-host all-reduce benchmark, run inside one host by {@link MultiHostBench}: serves the
 * collective service on its own address, waits until every peer's port accepts connections, joins the ring
 * and runs, for each size, {@code warmup} untimed then {@code iterations} timed {@code allReduceSum} calls
 * on the same vector. It prints one line per size, {@code RESULT <MiB> <median ns> <min ns> <mean ns>},
 * then {@code DONE}, and waits to be killed: a rank that exited at once could take the last frames of its peers' final
 * op with it.
 *
 * <p>Arguments: {@code RANK HOST:PORT,HOST:PORT,... SIZES_MIB(comma) WARMUP ITERATIONS}; the peers are
 * listed in rank order and this rank listens on its own entry.
 */
public final class RingRank {
  private static final int MIB = 1 << 20;
  private static final long PEER_WAIT_MS = 60_000;

  private RingRank() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: RingRank RANK HOST:PORT,... SIZES_MIB WARMUP ITERATIONS");
    }
    int rank = Integer.parseInt(args[0]);
    List<PeerAddress> peers = new ArrayList<>();
    for (String p : args[1].split(",")) {
      int colon = p.lastIndexOf(':');
      peers.add(new PeerAddress(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
    }
    int[] sizes = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    int warmup = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    RingOptions options = RingOptions.defaults();
    PeerAddress me = peers.get(rank);
    CollectiveService service = new CollectiveService();
    Server server = CollectiveTransport.configure(
        NettyServerBuilder.forAddress(new InetSocketAddress(me.host(), me.port())), options)
        .addService(service).build().start();
    System.out.println("rank " + rank + " of " + peers.size() + " listening on " + me.host() + ":" + me.port());
    for (PeerAddress p : peers) {
      awaitListening(p);
    }
    RingAllReduce ring = RingAllReduce.join(service, new RingMembership(1, rank, peers), options);
    int max = Arrays.stream(sizes).max().orElse(1) * MIB;
    FloatBuffer vector = ByteBuffer.allocateDirect(max).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < vector.limit(); i++) {
      vector.put(i, (i % 1000) * 1e-6f);
    }
    for (int mib : sizes) {
      FloatBuffer v = vector.duplicate().limit(mib * MIB / 4);
      long[] t = new long[iterations];
      long timedStart = 0;
      for (int i = 0; i < warmup + iterations; i++) {
        if (i == warmup) {
          timedStart = System.nanoTime();
        }
        long start = System.nanoTime();
        ring.allReduceSum(v);
        if (i >= warmup) {
          t[i - warmup] = System.nanoTime() - start;
        }
      }
      // the mean of back-to-back calls is the steady rate; one call's time alone can look faster than the link,
      // since the peers started that op earlier and their first frames were already on the way
      long mean = (System.nanoTime() - timedStart) / iterations;
      Arrays.sort(t);
      long median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
      System.out.println("RESULT " + mib + " " + median + " " + t[0] + " " + mean);
    }
    System.out.println("DONE");
    System.out.flush();
    new CountDownLatch(1).await(); // killed by the benchmark once every rank is done
    ring.close();
    server.shutdownNow();
  }

  /** Waits until {@code p} accepts TCP connections (its rank process has started its server). */
  private static void awaitListening(PeerAddress p) throws InterruptedException {
    long deadline = System.currentTimeMillis() + PEER_WAIT_MS;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(p.host(), p.port()), 1_000);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("peer " + p.host() + ":" + p.port() + " did not listen within "
              + PEER_WAIT_MS / 1000 + " s: " + e.getMessage(), e);
        }
        Thread.sleep(200); // poll: the peer's JVM is still starting
      }
    }
  }
}
