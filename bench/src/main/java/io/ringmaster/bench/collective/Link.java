package io.ringmaster.bench.collective;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The plain TCP connection between the two benchmark processes: carries control messages (ports,
 * barriers) and is itself the raw-TCP reference the all-reduce is compared with.
 */
final class Link implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer one = ByteBuffer.allocateDirect(1);

  private Link(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.socket().setTcpNoDelay(true);
  }

  static ServerSocketChannel listen() throws IOException {
    return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  static Link accept(ServerSocketChannel server) throws IOException {
    return new Link(server.accept());
  }

  static Link connect(int port) throws IOException {
    return new Link(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
  }

  /** Writes all remaining bytes of {@code data}. */
  void write(ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      channel.write(data);
    }
  }

  /** Fills {@code data} completely. */
  void read(ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      if (channel.read(data) < 0) {
        throw new IOException("the peer process closed the benchmark link");
      }
    }
  }

  /** Both sides call it; returns when both arrived. */
  void barrier() throws IOException {
    one.clear().put((byte) 1).flip();
    write(one);
    one.clear();
    read(one);
  }

  void writeInt(int value) throws IOException {
    write(ByteBuffer.allocate(4).putInt(value).flip());
  }

  int readInt() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4);
    read(b);
    return b.flip().getInt();
  }

  void writeLine(String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    write(ByteBuffer.wrap(bytes));
  }

  String readLine() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(readInt());
    read(b);
    return new String(b.array(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
