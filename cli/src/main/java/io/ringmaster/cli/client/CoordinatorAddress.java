package io.ringmaster.cli.client;

import java.util.Objects;

/**
 * Where a coordinator listens: a host name or address and a TCP port. Written {@code HOST:PORT}, with
 * IPv6 literals in brackets ({@code [::1]:7070}).
 */
public record CoordinatorAddress(String host, int port) {
  /** The port a coordinator listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 7070;

  public CoordinatorAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("the coordinator host is empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("the coordinator port must be in 1..65535, got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT}, {@code [IPV6]:PORT}, or a bare {@code HOST} (port {@value #DEFAULT_PORT}).
   *
   * @throws IllegalArgumentException saying what is wrong and what a valid address looks like
   */
  public static CoordinatorAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    String s = text.trim();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw invalid(text, "the IPv6 address has no closing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.isEmpty()) {
        port = null;
      } else if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else {
        throw invalid(text, "expected ':' after ']'");
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        throw invalid(text, "write IPv6 addresses in brackets, e.g. [::1]:7070");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.isBlank()) {
      throw invalid(text, "the host is empty");
    }
    if (port == null) {
      return new CoordinatorAddress(host, DEFAULT_PORT);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw invalid(text, "the port '" + port + "' is not a number");
    }
    if (p < 1 || p > 65_535) {
      throw invalid(text, "the port must be in 1..65535");
    }
    return new CoordinatorAddress(host, p);
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid coordinator address '" + text + "': " + why
        + "; expected HOST:PORT, e.g. localhost:" + DEFAULT_PORT);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
