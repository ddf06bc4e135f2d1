package io.ringmaster.bench.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real coordinator ({@code TREE/ringmaster coordinator --scheduler external}) in its own JVM, so that its
 * CPU (user + system, from the OS), heap (jcmd after a full GC) and log volume are its own. Its output is
 * copied to {@code log} and counted.
 */
final class CoordinatorProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Coordinator listening on [^ ]+:(\\d+)");
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final Process process;
  private final int port;
  private final AtomicLong logBytes = new AtomicLong();
  private final AtomicLong logLines = new AtomicLong();

  private CoordinatorProcess(Process process, int port, BufferedReader rest, PrintWriter log) {
    this.process = process;
    this.port = port;
    Thread drain = new Thread(() -> {
      try (log) {
        String line;
        while ((line = rest.readLine()) != null) {
          logBytes.addAndGet(line.length() + 1);
          logLines.incrementAndGet();
          log.println(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "coordinator-output");
    drain.setDaemon(true);
    drain.start();
  }

  /**
   * Starts {@code tree}'s coordinator (built beforehand; {@code RINGMASTER_SKIP_BUILD=1}) on a free port
   * with hand-started workers, jobs up to {@code maxWorkers} workers, its data in {@code dataDir}.
   */
  static CoordinatorProcess start(Path tree, Path dataDir, int maxWorkers, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(tree.resolve("ringmaster").toString(), "coordinator", "--port", "0",
        "--scheduler", "external", "--data-dir", dataDir.toString(), "--max-workers-per-job",
        Integer.toString(maxWorkers), "--client-auth", "none").redirectErrorStream(true); // simulated clients have no token
    pb.environment().put("RINGMASTER_SKIP_BUILD", "1");
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter logFile = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    List<String> before = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      logFile.println(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return new CoordinatorProcess(p, Integer.parseInt(m.group(1)), out, logFile);
      }
      before.add(line);
    }
    logFile.close();
    throw new IOException("the coordinator of " + tree + " exited before serving; its output:\n"
        + String.join("\n", before));
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time the coordinator's JVM has used so far (user + system), nanoseconds. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos)
        .orElseThrow(() -> new IllegalStateException("the OS does not report the coordinator's CPU time"));
  }

  long logBytes() {
    return logBytes.get();
  }

  long logLines() {
    return logLines.get();
  }

  /** Java heap in use after a full GC (jcmd GC.run, then GC.heap_info), bytes. */
  long heapAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    long usedKb = 0;
    for (String line : jcmd("GC.heap_info").split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher m = USED.matcher(line);
      if (m.find()) {
        usedKb += Long.parseLong(m.group(1));
      }
    }
    return usedKb * 1024;
  }

  /** Resident set size of the coordinator's JVM (heap, metaspace, threads, direct buffers), bytes. */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  /** Writes the coordinator's class histogram (live objects) to {@code file}. */
  void histogram(Path file) throws IOException, InterruptedException {
    Files.writeString(file, jcmd("GC.class_histogram"));
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process j = new ProcessBuilder("jcmd", Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!j.waitFor(60, TimeUnit.SECONDS) || j.exitValue() != 0) {
      throw new IOException("jcmd " + process.pid() + " " + command + " failed: " + text);
    }
    return text;
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the coordinator's shutdown hook stops it cleanly
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
