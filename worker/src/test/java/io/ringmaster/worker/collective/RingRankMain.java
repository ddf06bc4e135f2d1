package io.ringmaster.worker.collective;

import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One rank in its own JVM, driven by {@link MultiProcessRingTest} over stdin/stdout (the parent reads
 * only lines starting with {@code RING}). Commands: {@code JOIN generation rank host:port,...},
 * {@code RUN ops length} (runs ops with {@link TestVectors} inputs, prints the result's bit hash per
 * op), {@code MIDOP length} (starts an op in the background and reports once it is receiving data),
 * {@code EXIT}.
 */
public final class RingRankMain {
  private RingRankMain() {}

  public static void main(String[] args) throws Exception {
    CollectiveService service = new CollectiveService();
    Server server = CollectiveTransport.configure(
            NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        .addService(service)
        .build()
        .start();
    say("PORT " + server.getPort());
    RingAllReduce ring = null;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] cmd = line.trim().split(" ");
      switch (cmd[0]) {
        case "JOIN" -> {
          List<PeerAddress> peers = new ArrayList<>();
          for (String hp : cmd[3].split(",")) {
            int colon = hp.lastIndexOf(':');
            peers.add(new PeerAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
          }
          ring = RingAllReduce.join(service,
              new RingMembership(Long.parseLong(cmd[1]), Integer.parseInt(cmd[2]), peers),
              RingOptions.defaults());
          say("JOINED");
        }
        case "RUN" -> run(ring, Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2]));
        case "MIDOP" -> midOp(ring, Integer.parseInt(cmd[1]));
        case "EXIT" -> {
          if (ring != null) {
            ring.close();
          }
          service.close();
          server.shutdownNow();
          say("BYE");
          System.exit(0);
        }
        default -> say("UNKNOWN " + line);
      }
    }
  }

  private static void run(RingAllReduce ring, int ops, int length) {
    for (int op = 0; op < ops; op++) {
      FloatBuffer buf = TestVectors.input(ring.rank(), op, length, true);
      try {
        ring.allReduceSum(buf);
        say("OP " + op + " " + TestVectors.bitsHash(buf));
      } catch (CollectiveException e) {
        say("FAILED " + e.reason() + " " + suspects(e) + " " + e.getMessage());
        return;
      }
    }
  }

  private static void midOp(RingAllReduce ring, int length) {
    CompletableFuture.runAsync(() -> run(ring, 1, length));
    await().atMost(Duration.ofSeconds(30))
        .until(() -> ring.progress().running() && ring.progress().framesReceived() > 0);
    say("MIDOP " + ring.progress());
  }

  private static String suspects(CollectiveException e) {
    return Arrays.stream(e.suspectRanks()).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  private static synchronized void say(String line) {
    System.out.println("RING " + line);
    System.out.flush();
  }
}
