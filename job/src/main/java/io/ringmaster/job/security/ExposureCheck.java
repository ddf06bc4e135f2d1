package io.ringmaster.job.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Secure by default: a process that listens on, or dials, anything but a loopback address must use TLS,
 * unless the operator said {@code --insecure} explicitly. On one machine bound to loopback plaintext is
 * tolerable ({@code ringmaster run}); on a network it lets anyone submit jobs, attach as a worker and
 * read data and parameters, or add numbers into a ring's gradients.
 */
public final class ExposureCheck {
  /** What the refusal tells the operator to run. */
  public static final String HOW_TO_FIX = "give --tls-cert, --tls-key and --tls-ca (development certificates:"
      + " `ringmaster certs --out certs --host NAME-OR-IP ...`, see docs/SECURITY.md), or pass --insecure to"
      + " accept plaintext explicitly";

  private ExposureCheck() {}

  /** Thrown when a process would expose plaintext gRPC beyond loopback without {@code --insecure}. */
  public static final class InsecureExposureException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InsecureExposureException(String message) {
      super(message);
    }
  }

  /**
   * Refuses to listen on {@code bindHost} in plaintext unless it is loopback or {@code insecureAllowed}.
   *
   * @param who e.g. "coordinator", "worker"
   */
  public static void requireSecureListener(String who, String bindHost, TransportSecurity security,
      boolean insecureAllowed) {
    if (security.isTls() || insecureAllowed || isLoopback(bindHost)) {
      return;
    }
    throw new InsecureExposureException(who + " refuses to listen on " + bindHost + " in plaintext: anyone who can"
        + " reach that address could " + (who.startsWith("worker") ? "join its rings and read or alter gradients"
        : "submit, read and cancel jobs or attach as a worker") + "; " + HOW_TO_FIX);
  }

  /** Refuses to dial {@code target} ({@code host:port}) in plaintext unless it is loopback or {@code insecureAllowed}. */
  public static void requireSecureTarget(String who, String target, TransportSecurity security,
      boolean insecureAllowed) {
    if (security.isTls() || insecureAllowed || isLoopback(hostOf(target))) {
      return;
    }
    throw new InsecureExposureException(who + " refuses to talk to " + target + " in plaintext: the job's spec,"
        + " data and parameters (and the worker's credentials) would cross the network unencrypted and the"
        + " coordinator's identity unchecked; " + HOW_TO_FIX);
  }

  /** Whether {@code host} is a loopback name or address (a wildcard address is not). */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
      return false; // a name other than localhost: never trust DNS to say it is loopback
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The host part of {@code host:port}, {@code [v6]:port} or {@code dns:///host:port}. */
  public static String hostOf(String target) {
    String t = target.trim();
    int scheme = t.indexOf(":///");
    if (scheme >= 0) {
      t = t.substring(scheme + 4);
    }
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      return end > 0 ? t.substring(0, end + 1) : t;
    }
    int colon = t.lastIndexOf(':');
    return colon > 0 && t.indexOf(':') == colon ? t.substring(0, colon) : t;
  }
}
