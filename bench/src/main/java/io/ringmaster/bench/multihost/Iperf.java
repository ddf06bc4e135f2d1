package io.ringmaster.bench.multihost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmaster.testhosts.HostProcess;
import io.ringmaster.testhosts.NetworkHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Raw TCP throughput between two hosts with iperf3 (Debian's {@code iperf3}): a one-off server ({@code -s
 * -1}) on one host, a client sending for {@code seconds} on the other, the receiver's rate from the
 * client's JSON report ({@code end.sum_received.bits_per_second}).
 */
final class Iperf {
  private Iperf() {}

  /** Why iperf3 cannot be run here, or null if it can. */
  static String unavailableBecause() {
    try {
      Process p = new ProcessBuilder("iperf3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? null : "iperf3 --version exited with " + p.exitValue();
    } catch (IOException e) {
      return "iperf3 is not installed (apt-get install iperf3; bench/multihost.sh tries to): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Megabytes (10^6) per second received by {@code server} from {@code client} over {@code seconds}. */
  static double megabytesPerSecond(NetworkHosts net, NetworkHosts.Host server, NetworkHosts.Host client, int seconds,
      String tag) throws IOException, InterruptedException {
    // --forceflush: its output goes to a file, where stdio would hold "Server listening" back
    HostProcess s = net.start(server, "iperf3-server-" + tag,
        List.of("iperf3", "-s", "-1", "-B", server.address(), "--forceflush"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!s.log().contains("Server listening")) {
      if (!s.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the iperf3 server on " + server + " did not start:\n" + s.log());
      }
      Thread.sleep(100); // poll its log: iperf3 prints the line once it listens
    }
    HostProcess c = net.start(client, "iperf3-client-" + tag,
        List.of("iperf3", "-c", server.address(), "-t", String.valueOf(seconds), "-J"));
    OptionalInt code = c.awaitExit(Duration.ofSeconds(seconds + 30L));
    if (code.isEmpty() || code.getAsInt() != 0) {
      throw new IllegalStateException("iperf3 -c " + server.address() + " on " + client + " failed ("
          + (code.isEmpty() ? "still running" : "exit " + code.getAsInt()) + "):\n" + c.log());
    }
    s.awaitExit(Duration.ofSeconds(10));
    return receivedMegabytesPerSecond(c.log());
  }

  /** The receiver's rate in a client's {@code iperf3 -J} report, MB/s. */
  static double receivedMegabytesPerSecond(String json) throws IOException {
    int start = json.indexOf('{');
    if (start < 0) {
      throw new IOException("no JSON in iperf3's output: " + json);
    }
    JsonNode bits = new ObjectMapper().readTree(json.substring(start)).path("end").path("sum_received")
        .path("bits_per_second");
    if (!bits.isNumber()) {
      throw new IOException("iperf3's report has no end.sum_received.bits_per_second: " + json);
    }
    return bits.asDouble() / 8e6;
  }
}
