package io.ringmaster.bench.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Raw loopback TCP between the two processes with plain Java sockets: the reference the all-reduce is
 * compared with. One-way: the launcher sends {@code bytes}, the peer reads them all and answers one byte.
 * Both ways: each side sends {@code bytes} while reading the other's {@code bytes} (the traffic pattern of
 * a 2-rank all-reduce).
 */
final class RawTcp {
  private final Link link;
  private final ByteBuffer out;
  private final ByteBuffer in;

  RawTcp(Link link, int maxBytes) {
    this.link = link;
    this.out = ByteBuffer.allocateDirect(maxBytes);
    this.in = ByteBuffer.allocateDirect(maxBytes);
  }

  /** Launcher side of one one-way transfer; returns nanoseconds until the peer confirmed. */
  long sendOneWay(int bytes) throws IOException {
    long start = System.nanoTime();
    link.write(out.clear().limit(bytes));
    link.read(in.clear().limit(1));
    return System.nanoTime() - start;
  }

  /** Peer side of one one-way transfer. */
  void receiveOneWay(int bytes) throws IOException {
    link.read(in.clear().limit(bytes));
    link.write(out.clear().limit(1));
  }

  /** Both sides: send and receive {@code bytes} at once; returns nanoseconds until both finished. */
  long exchange(int bytes) throws IOException {
    long start = System.nanoTime();
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      try {
        link.write(out.clear().limit(bytes));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    link.read(in.clear().limit(bytes));
    try {
      sending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException("sending failed", e.getCause());
    }
    return System.nanoTime() - start;
  }
}
