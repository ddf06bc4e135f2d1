package io.ringmaster.worker.collective;

import java.util.Objects;

/**
 * Where a rank's gRPC server listens: the address its left neighbour dials to stream ring frames.
 *
 * @param host host name or IP address, as reachable from the other workers
 * @param port TCP port of the worker's gRPC server, 1-65535
 */
public record PeerAddress(String host, int port) {
  public PeerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("peer host is blank: give the address other workers reach it at");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "peer port " + port + " for host " + host + " is outside 1-65535: pass the bound port of the"
              + " worker's gRPC server (not 0)");
    }
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
