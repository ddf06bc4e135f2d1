package io.ringmaster.cli.multihost;

import io.ringmaster.testhosts.NetworkHosts;
import io.ringmaster.testhosts.HostProcess;
import io.ringmaster.testhosts.Ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: hosts reach each other and this JVM, a cut link carries nothing, close leaves nothing. */
class NetworkHostsTest {
  static final int PORT = 7000;

  @TempDir Path tmp;

  @BeforeAll
  static void needsRootAndIproute2() {
    NetworkHosts.assumeAvailable(); // a failure under CI=true
  }

  @Test
  void hostsReachEachOtherAndThisJvmUntilALinkIsCut() throws Exception {
    try (NetworkHosts net = NetworkHosts.create(2, tmp)) {
      NetworkHosts.Host a = net.host(1);
      NetworkHosts.Host b = net.host(2);
      assertThat(a.address()).startsWith("198.1").endsWith(".1");
      assertThat(b.address()).isEqualTo(a.address().substring(0, a.address().length() - 1) + "2");
      HostProcess server = listen(net, a);

      assertThat(TcpProbe.greeting(a.address(), PORT)).as("from this JVM through the bridge")
          .isEqualTo("hello from " + a.address());
      HostProcess probe = probe(net, b, a, "probe-b-to-a");
      assertThat(probe.log()).as("from host 2 to host 1").contains("hello from " + a.address());

      net.cut(a);
      assertThatThrownBy(() -> TcpProbe.greeting(a.address(), PORT)).as("a cut host answers nothing")
          .isInstanceOf(IOException.class);
      HostProcess cutProbe = probe(net, b, a, "probe-while-cut");
      assertThat(cutProbe.log()).contains("no answer from " + a.address());
      assertThat(server.isAlive()).as("a cut host's processes live on").isTrue();

      net.restore(a);
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> TcpProbe.greeting(a.address(), PORT), g -> g.equals("hello from " + a.address()));
    }
  }

  @Test
  void closeKillsTheProcessesAndLeavesNoNamespaceOrLink() throws Exception {
    NetworkHosts net = NetworkHosts.create(3, tmp);
    List<ProcessHandle> started = new ArrayList<>();
    String suffix = net.suffix();
    try {
      for (NetworkHosts.Host h : net.hosts()) {
        started.add(ProcessHandle.of(listen(net, h).pid()).orElseThrow());
      }
      net.limit(net.host(1), "100mbit");
      assertThat(Ip.tc("qdisc", "show", "dev", net.host(1).port())).contains("htb");
      net.limit(net.host(1), "1gbit"); // a second cap replaces the first
      assertThat(Ip.tc("class", "show", "dev", net.host(1).port())).contains("rate 1Gbit").doesNotContain("100Mbit");
      assertThat(Ip.ip("netns", "list")).contains("rm-" + suffix + "-1", "rm-" + suffix + "-3");
      assertThat(Ip.ip("-o", "link", "show")).contains(net.bridge(), "rm" + suffix + "b2");
    } finally {
      net.close();
    }
    assertThat(started).noneMatch(ProcessHandle::isAlive);
    assertThat(Ip.ip("netns", "list")).doesNotContain(suffix);
    assertThat(Ip.ip("-o", "link", "show")).doesNotContain(suffix);
    assertThat(net.leftovers()).isEmpty();
    net.close(); // twice is fine
  }

  private static HostProcess listen(NetworkHosts net, NetworkHosts.Host h) throws IOException {
    HostProcess p = net.start(h, "listen-" + h.index(), java("listen", h.address()));
    await().atMost(Duration.ofSeconds(30)).until(() -> p.log().contains("listening") || !p.isAlive());
    assertThat(p.log()).as(p.toString()).contains("listening on " + h.address());
    return p;
  }

  /** Runs TcpProbe connect in {@code from} against {@code to} and waits for it to end. */
  private static HostProcess probe(NetworkHosts net, NetworkHosts.Host from, NetworkHosts.Host to, String name)
      throws IOException {
    HostProcess p = net.start(from, name, java("connect", to.address()));
    await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
    return p;
  }

  private static List<String> java(String mode, String address) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-cp",
        NetworkHosts.classpath(), TcpProbe.class.getName(), mode, address, String.valueOf(PORT));
  }
}
