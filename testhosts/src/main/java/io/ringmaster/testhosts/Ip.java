package io.ringmaster.testhosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ip} and {@code tc} (Debian's iproute2) and fails loudly: a command that exits non-zero, or
 * takes more than {@value #TIMEOUT_S} s, throws with the command line and what it printed.
 */
public final class Ip {
  public static final int TIMEOUT_S = 20;

  private Ip() {}

  /** {@code ip ARGS...}; returns its standard output. */
  public static String ip(String... args) {
    return run("ip", args);
  }

  /** {@code tc ARGS...}; returns its standard output. */
  public static String tc(String... args) {
    return run("tc", args);
  }

  /** Like {@link #ip} but ignores failures (for clean-up of things that may be gone already). */
  public static void ipQuietly(String... args) {
    try {
      ip(args);
    } catch (RuntimeException e) {
      // already gone, or never made
    }
  }

  /** Like {@link #tc} but ignores failures (for removing what may not be there). */
  public static void tcQuietly(String... args) {
    try {
      tc(args);
    } catch (RuntimeException e) {
      // nothing to remove
    }
  }

  /**
   * Why the harness cannot run here, or null if it can: network namespaces need root and iproute2's
   * {@code ip} on the PATH.
   */
  public static String unavailableBecause() {
    String user = System.getProperty("user.name");
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
      if (!"0".equals(uid)) {
        return "network namespaces need root; running as " + user + " (uid " + uid + "). CI runs these tests as root";
      }
    } catch (IOException e) {
      return "cannot run `id -u` to check for root: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    try {
      ip("netns", "list");
    } catch (RuntimeException e) {
      return "`ip netns` does not work here (install iproute2: scripts/setup.sh does): " + e.getMessage();
    }
    return null;
  }

  private static String run(String program, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(program);
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage()
          + " (is iproute2 installed? scripts/setup.sh installs it)", e);
    }
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + TIMEOUT_S + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("reading the output of " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
