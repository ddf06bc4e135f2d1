package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks in separate JVM processes ({@link RingRankMain}): rank 0 runs in this JVM, ranks 1 and 2 are
 * child processes talking gRPC over loopback, as in production.
 */
class MultiProcessRingTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  private final List<Child> children = new ArrayList<>();
  private CollectiveService service;
  private Server server;
  private RingAllReduce rank0;

  @BeforeEach
  void startRank0() throws IOException {
    TestLogging.quietTransport();
    service = new CollectiveService();
    server = CollectiveTransport.configure(
            NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        .addService(service)
        .build()
        .start();
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Child c : children) {
      c.process.destroyForcibly();
    }
    if (rank0 != null) {
      rank0.close();
    }
    service.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void ranksInSeparateProcessesComputeTheSameBits() throws Exception {
    int length = 100_003;
    int ops = 3;
    List<Child> ranks = formRing(3);
    ranks.forEach(c -> c.send("RUN " + ops + " " + length));
    for (int op = 0; op < ops; op++) {
      FloatBuffer buf = TestVectors.input(0, op, length, false);
      rank0.allReduceSum(buf);
      assertThat(TestVectors.firstWrongSum(buf, TestVectors.expectedSum(3, op, length))).isEqualTo(-1);
      String expected = "OP " + op + " " + TestVectors.bitsHash(buf);
      for (Child c : ranks) {
        assertThat(c.expect("OP ")).as("rank %d's result of op %d", c.rank, op).isEqualTo(expected);
      }
    }
  }

  @Test
  void killingARankProcessMidOperationGivesPeerLostToTheSurvivors() throws Exception {
    int length = 1_000_000;
    List<Child> ranks = formRing(3);
    Child victim = ranks.get(0); // rank 1
    Child survivor = ranks.get(1); // rank 2
    CompletableFuture<Void> op0 = CompletableFuture.runAsync(() -> {
      try {
        rank0.allReduceSum(TestVectors.input(0, 0, length, true));
      } catch (CollectiveException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    // rank 1 is inside the op (receiving rank 0's data); rank 2 has not started, so the op cannot end
    victim.send("MIDOP " + length);
    victim.expect("MIDOP ");
    await().atMost(BOUND).until(() -> rank0.progress().running() && rank0.progress().framesSent() > 0);

    victim.process.destroyForcibly();

    try {
      op0.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("rank 0's op completed although rank 1 was killed");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(CollectiveException.class, ce -> {
        assertThat(ce.reason()).isEqualTo(CollectiveException.PEER_LOST);
        assertThat(ce.suspectRanks()).containsExactly(1);
      });
    }
    survivor.send("RUN 1 " + length);
    assertThat(survivor.expect("FAILED ")).startsWith("FAILED PeerLost 1 ");
  }

  /** Starts ranks 1..n-1 as processes and joins generation 1 everywhere; returns the children. */
  private List<Child> formRing(int n) throws Exception {
    Path logback = tmp.resolve("logback.xml");
    Files.writeString(logback, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
        + "<target>System.err</target><encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder>"
        + "</appender><root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>");
    for (int r = 1; r < n; r++) {
      children.add(Child.start(r, logback));
    }
    List<String> addresses = new ArrayList<>();
    addresses.add("127.0.0.1:" + server.getPort());
    for (Child c : children) {
      addresses.add("127.0.0.1:" + c.expect("PORT ").substring(5));
    }
    String peers = String.join(",", addresses);
    for (Child c : children) {
      c.send("JOIN 1 " + c.rank + " " + peers);
    }
    List<PeerAddress> list = addresses.stream()
        .map(a -> new PeerAddress("127.0.0.1", Integer.parseInt(a.substring(a.indexOf(':') + 1))))
        .collect(Collectors.toList());
    rank0 = RingAllReduce.join(service, new RingMembership(1, 0, list), RingOptions.defaults());
    for (Child c : children) {
      assertThat(c.expect("JOINED")).isEqualTo("JOINED");
    }
    return children;
  }

  /** A child JVM running {@link RingRankMain}. */
  private static final class Child {
    final int rank;
    final Process process;
    final PrintWriter stdin;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(int rank, Process process) {
      this.rank = rank;
      this.process = process;
      this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("RING ")) {
              lines.add(line.substring(5));
            }
          }
        } catch (IOException e) {
          // the process died; expect() reports the missing line
        }
      }, "rank-" + rank + "-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(int rank, Path logback) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC",
          "-Dlogback.configurationFile=" + logback, "-cp", classpath, RingRankMain.class.getName());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      return new Child(rank, pb.start());
    }

    void send(String command) {
      stdin.println(command);
    }

    /** Next line from the child, which must start with {@code prefix}. */
    String expect(String prefix) throws InterruptedException {
      String line = lines.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("rank " + rank + " printed no '" + prefix + "' line within " + BOUND
            + " (alive: " + process.isAlive() + ")");
      }
      assertThat(line).as("line from rank %d", rank).startsWith(prefix);
      return line;
    }
  }
}
