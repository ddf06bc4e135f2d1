package io.ringmaster.coordinator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between one worker and the coordinator that a test can cut like a network link: while
 * {@linkplain #cut() cut}, connections stay open but every byte in both directions is dropped (the
 * process on each side stays alive and hears nothing, as with {@code ip link set ... down}).
 * {@linkplain #restore() Restoring} the link resets the connections that lived through the cut (as TCP
 * does after a long partition) and relays new ones normally.
 */
final class CuttableLink implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean closed;

  CuttableLink(int targetPort) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "cuttable-link-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** host:port to give the worker as its coordinator. */
  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on nothing gets through, either way. */
  void cut() {
    cut = true;
  }

  /** Resets the connections that were cut and lets new ones through. */
  void restore() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
    cut = false;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    restore();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target);
        open.add(client);
        open.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!cut) {
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException ignored) {
        // the connection was reset (restore, close, or either side went away)
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "cuttable-link-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}
