package io.ringmaster.testhosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process that {@link NetworkHosts} started inside one host's network namespace, with its standard
 * output and error in one log file. {@code ip netns exec} replaces itself with the command, so {@link #pid()}
 * is the command's own pid (the JVM's, for a ringmaster process).
 */
public final class HostProcess {
  private final String name;
  private final NetworkHosts.Host host;
  private final Process process;
  private final Path log;

  HostProcess(String name, NetworkHosts.Host host, Process process, Path log) {
    this.name = name;
    this.host = host;
    this.process = process;
    this.log = log;
  }

  /** The name given at start, e.g. "coordinator" or "worker-2". */
  public String name() {
    return name;
  }

  public NetworkHosts.Host host() {
    return host;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Where its standard output and error go. */
  public Path logFile() {
    return log;
  }

  /** Everything it has printed so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + log, e);
    }
  }

  /** Its last {@code lines} lines of output. */
  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * Waits for it to exit by itself and returns its exit code; empty if it still runs after {@code atMost}
   * (it is left running: {@link NetworkHosts#close} kills it).
   */
  public java.util.OptionalInt awaitExit(java.time.Duration atMost) {
    try {
      return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
          : java.util.OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + this + " to exit", e);
    }
  }

  /** SIGKILL to it and its descendants, and waits for it to be gone (at most 20 s). */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException(this + " is still alive 20 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + this + " to die", e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + " on " + host.address() + ", log " + log + ")";
  }
}
