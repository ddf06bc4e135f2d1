package io.ringmaster.testhosts;

import io.ringmaster.coordinator.scheduler.WorkerJvmFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Hosts on a private network, made of Linux network namespaces, for tests that need workers and a
 * coordinator on different machines (a cut link, a partitioned coordinator) on one real machine.
 *
 * <p>Layout: one Linux bridge in the root namespace and, per host, a namespace joined to the bridge by a
 * veth pair: the host side ({@code eth}) inside the namespace carries the host's address, the bridge side
 * ({@code port}) is enslaved to the bridge. Every run picks a random {@code /24} inside the benchmarking
 * range 198.18.0.0/15 that no interface here uses yet and random six-hex-digit names, so two runs on one
 * machine never collide: hosts are {@code 198.18.X.1 .. .N}, the bridge itself is {@code 198.18.X.254},
 * so this JVM (root namespace) reaches every host directly.
 *
 * <pre>
 *   root namespace: bridge rmbrSSSSSS 198.18.X.254/24
 *      |-- rmSSSSSSb1 ==veth== rmSSSSSSh1 198.18.X.1/24  (namespace rm-SSSSSS-1)
 *      |-- rmSSSSSSb2 ==veth== rmSSSSSSh2 198.18.X.2/24  (namespace rm-SSSSSS-2)
 *      ...
 * </pre>
 *
 * <p>{@link #start} runs a command inside a host ({@code ip netns exec NS ...}) with its output in a log
 * file; {@link #startRingmaster} runs {@code io.ringmaster.cli.Main} with this JVM's classpath (under
 * Surefire, {@code surefire.test.class.path}). {@link #cut} takes the bridge side of a host's link down:
 * its processes live on but nothing reaches them and nothing they send leaves; {@link #restore} brings
 * it back. {@link #limit} caps a link's rate in both directions with an htb qdisc ({@code netem} and
 * {@code tbf} are not in every kernel).
 *
 * <p>{@link #close} SIGKILLs every process it started and waits for them (a namespace with live
 * processes outlives {@code ip netns del}), then deletes the namespaces, veths and bridge; a JVM shutdown
 * hook does the same if a test run is killed before close. Needs root and iproute2: call {@link
 * #unavailableBecause()} first and skip the test with that reason when it is not null.
 */
public final class NetworkHosts implements AutoCloseable {
  /** Host addresses live in 198.18.0.0/15 (RFC 2544 benchmarking), never in a routed range. */
  public static final String RANGE = "198.18.0.0/15";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One host: its namespace, address and the two ends of its link. */
  public record Host(int index, String namespace, String address, String eth, String port) {
    @Override
    public String toString() {
      return "host " + index + " (" + address + ", namespace " + namespace + ")";
    }
  }

  private final String suffix;
  private final String subnet;
  private final String bridge;
  private final Path logDir;
  private final List<Host> hosts = new ArrayList<>();
  private final List<HostProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private final Thread shutdownHook;
  private boolean bridgeMade;
  private boolean closed;

  private NetworkHosts(String suffix, String subnet, Path logDir) {
    this.suffix = suffix;
    this.subnet = subnet;
    this.bridge = "rmbr" + suffix;
    this.logDir = logDir;
    this.shutdownHook = new Thread(this::closeQuietly, "network-hosts-cleanup-" + suffix);
  }

  /** Why these hosts cannot be made here (not root, no iproute2), or null if they can. */
  public static String unavailableBecause() {
    return Ip.unavailableBecause();
  }

  /**
   * Skips the calling test (JUnit assumption, with the reason printed) when these hosts cannot be made here,
   * except under {@code CI=true}, where that is a failure: CI runs as root on a machine that can make them,
   * so a cross-host test that cannot run there has silently stopped testing anything.
   */
  public static void assumeAvailable() {
    assumeAvailable(unavailableBecause(), System.getenv("CI"));
  }

  /** {@link #assumeAvailable()} given why hosts cannot be made (null: they can) and the value of {@code CI}. */
  public static void assumeAvailable(String why, String ci) {
    if (why == null) {
      return;
    }
    if (isCi(ci)) {
      throw new AssertionError("CI=true but network namespaces cannot be created here: " + why
          + ". Cross-host tests must run in CI: run the build as root with iproute2 (scripts/setup.sh)");
    }
    System.out.println("skipped: " + why);
    org.junit.jupiter.api.Assumptions.assumeTrue(false, "skipped: " + why);
  }

  /** Whether the {@code CI} environment variable's value means "running in CI". */
  public static boolean isCi(String value) {
    return value != null && value.trim().equalsIgnoreCase("true");
  }

  /**
   * Makes {@code count} hosts (1..9) on a new bridge. Process logs go to {@code logDir}. On any failure,
   * whatever was made is removed again before the exception is thrown.
   */
  public static NetworkHosts create(int count, Path logDir) throws IOException {
    if (count < 1 || count > 9) {
      throw new IllegalArgumentException("1..9 hosts, got " + count);
    }
    Files.createDirectories(logDir);
    NetworkHosts net = new NetworkHosts(HexFormat.of().toHexDigits(RANDOM.nextInt(1 << 24)).substring(2),
        freeSubnet(), logDir);
    Runtime.getRuntime().addShutdownHook(net.shutdownHook);
    try {
      net.build(count);
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  /** A /24 in 198.18.0.0/15 ("198.18.X" or "198.19.X") that no interface on this machine has an address in. */
  private static String freeSubnet() {
    String inUse = Ip.ip("-o", "-4", "addr", "show");
    for (int attempt = 0; attempt < 100; attempt++) {
      String candidate = "198." + (18 + RANDOM.nextInt(2)) + "." + RANDOM.nextInt(256);
      if (!inUse.contains(" " + candidate + ".")) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free /24 left in " + RANGE + " after 100 tries: `ip -o -4 addr` shows\n" + inUse);
  }

  private void build(int count) {
    Ip.ip("link", "add", bridge, "type", "bridge");
    bridgeMade = true;
    Ip.ip("addr", "add", bridgeAddress() + "/24", "dev", bridge);
    Ip.ip("link", "set", bridge, "up");
    for (int i = 1; i <= count; i++) {
      Host h = new Host(i, "rm-" + suffix + "-" + i, subnet + "." + i, "rm" + suffix + "h" + i, "rm" + suffix + "b" + i);
      Ip.ip("netns", "add", h.namespace());
      hosts.add(h);
      Ip.ip("link", "add", h.eth(), "type", "veth", "peer", "name", h.port());
      Ip.ip("link", "set", h.eth(), "netns", h.namespace());
      Ip.ip("link", "set", h.port(), "master", bridge);
      Ip.ip("link", "set", h.port(), "up");
      Ip.ip("-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", h.eth());
      Ip.ip("-n", h.namespace(), "link", "set", h.eth(), "up");
      Ip.ip("-n", h.namespace(), "link", "set", "lo", "up");
    }
  }

  /** Host {@code index}, 1-based. */
  public Host host(int index) {
    return hosts.get(index - 1);
  }

  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** The bridge's own address: how hosts reach this JVM. */
  public String bridgeAddress() {
    return subnet + ".254";
  }

  /** The six-hex-digit tag in every name this run made (namespaces, links). */
  public String suffix() {
    return suffix;
  }

  /** The bridge's name. */
  public String bridge() {
    return bridge;
  }

  /** Runs {@code command} inside {@code host}; its output goes to {@code <logDir>/<name>.log}. */
  public HostProcess start(Host host, String name, List<String> command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
    cmd.addAll(command);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("these hosts are closed");
      }
      HostProcess p = new HostProcess(name, host, pb.start(), log);
      processes.add(p);
      return p;
    }
  }

  /**
   * Runs {@code java JVMARGS -cp <this JVM's classpath> io.ringmaster.cli.Main ARGS} inside {@code host},
   * e.g. {@code coordinator --host ADDR --scheduler external} or {@code worker --coordinator ADDR:PORT --host ADDR}.
   */
  public HostProcess startRingmaster(Host host, String name, List<String> jvmArgs, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("io.ringmaster.cli.Main");
    cmd.addAll(args);
    return start(host, name, cmd);
  }

  /** The test classpath (Surefire puts it in surefire.test.class.path), without builds this CPU cannot run. */
  public static String classpath() {
    return WorkerJvmFlags.classpath(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
  }

  /** Cuts {@code host} off the network: its link's bridge side goes down; its processes keep running. */
  public void cut(Host host) {
    Ip.ip("link", "set", host.port(), "down");
  }

  /** Undoes {@link #cut}. */
  public void restore(Host host) {
    Ip.ip("link", "set", host.port(), "up");
  }

  /**
   * Caps {@code host}'s link at {@code rate} (tc syntax, e.g. "100mbit") in both directions: an htb root
   * qdisc with one default class on each end of the veth pair. Capping again replaces the cap (htb cannot
   * change a root qdisc in place: the old one is deleted first).
   */
  public void limit(Host host, String rate) {
    Ip.tcQuietly("qdisc", "del", "dev", host.port(), "root");
    Ip.tc("qdisc", "add", "dev", host.port(), "root", "handle", "1:", "htb", "default", "10");
    Ip.tc("class", "add", "dev", host.port(), "parent", "1:", "classid", "1:10", "htb", "rate", rate);
    Ip.ipQuietly("netns", "exec", host.namespace(), "tc", "qdisc", "del", "dev", host.eth(), "root");
    Ip.ip("netns", "exec", host.namespace(), "tc", "qdisc", "add", "dev", host.eth(), "root", "handle", "1:", "htb",
        "default", "10");
    Ip.ip("netns", "exec", host.namespace(), "tc", "class", "add", "dev", host.eth(), "parent", "1:", "classid",
        "1:10", "htb", "rate", rate);
  }

  /** Every process started so far, oldest first. */
  public List<HostProcess> processes() {
    synchronized (processes) {
      return List.copyOf(processes);
    }
  }

  /** For a failed test: each process, whether it lives, and the last {@code lines} lines of its log. */
  public String report(int lines) {
    StringBuilder b = new StringBuilder("hosts " + subnet + ".0/24 on bridge " + bridge + "\n");
    for (HostProcess p : processes()) {
      b.append("---- ").append(p).append(p.isAlive() ? ", alive" : ", exited").append('\n')
          .append(p.logTail(lines)).append('\n');
    }
    return b.toString();
  }

  /**
   * Kills every process started here (SIGKILL, then waits), then deletes the namespaces, links and the
   * bridge. Safe to call more than once; also runs from a JVM shutdown hook.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RuntimeException first = null;
    for (HostProcess p : processes()) {
      try {
        p.kill();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    for (Host h : hosts) {
      Ip.ipQuietly("netns", "del", h.namespace());
      Ip.ipQuietly("link", "del", h.port()); // normally gone with its peer
    }
    if (bridgeMade) {
      Ip.ipQuietly("link", "del", bridge);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // running as the shutdown hook
    }
    String left = leftovers();
    if (!left.isEmpty()) {
      RuntimeException e = new IllegalStateException("after close these are still there: " + left
          + " (remove them with ip netns del / ip link del)");
      if (first != null) {
        e.addSuppressed(first);
      }
      throw e;
    }
    if (first != null) {
      throw first;
    }
  }

  /** Namespaces and links of this run that still exist; empty when all is clean. */
  public String leftovers() {
    StringBuilder b = new StringBuilder();
    for (String line : Ip.ip("netns", "list").lines().toList()) {
      if (line.contains(suffix)) {
        b.append("namespace ").append(line.split(" ")[0]).append("; ");
      }
    }
    for (String line : Ip.ip("-o", "link", "show").lines().toList()) {
      if (line.contains(suffix)) {
        b.append("link ").append(line.split(":")[1].trim().split("@")[0]).append("; ");
      }
    }
    return b.toString();
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("NetworkHosts " + suffix + ": clean-up at JVM exit failed: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d hosts in %s.0/24 (bridge %s)", hosts.size(), subnet, bridge);
  }
}
