package io.ringmaster.cli.multihost;

import io.ringmaster.testhosts.NetworkHosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A tiny TCP server and client for checking {@link NetworkHosts}' wiring (the hosts have no ping or nc):
 * {@code listen ADDR PORT} answers every connection with one line naming ADDR; {@code connect ADDR PORT}
 * prints that line and exits 0, or exits 1 if nothing answered within 2 s.
 */
public final class TcpProbe {
  static final int CONNECT_TIMEOUT_MS = 2_000;

  private TcpProbe() {}

  public static void main(String[] args) throws IOException {
    String address = args[1];
    int port = Integer.parseInt(args[2]);
    if (args[0].equals("listen")) {
      try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName(address))) {
        System.out.println("listening on " + address + ":" + port);
        System.out.flush();
        while (true) {
          try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
            out.write(("hello from " + address + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    }
    try {
      System.out.println(greeting(address, port));
    } catch (IOException e) {
      System.out.println("no answer from " + address + ":" + port + ": " + e);
      System.exit(1);
    }
  }

  /** The line the server at ADDR:PORT answers with. */
  static String greeting(String address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
      s.setSoTimeout(CONNECT_TIMEOUT_MS);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }
}
