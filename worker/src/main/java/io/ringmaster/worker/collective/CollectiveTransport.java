package io.ringmaster.worker.collective;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC transport settings the ring needs, applied in one place to the worker's server and to the
 * ring's channels so both ends agree: HTTP/2 flow-control window (the ring's data flows client to
 * server, so the server's receive window is what limits throughput), keep-alive pings to detect dead
 * hosts, and the keep-alive policy that lets peers ping that often. The maximum inbound message size
 * is left at gRPC's 4 MiB default: frames are at most {@link RingOptions#MAX_CHUNK_BYTES} plus a small
 * header.
 */
public final class CollectiveTransport {
  private CollectiveTransport() {}

  /** Same as {@link #configure(NettyServerBuilder, RingOptions)} with {@link RingOptions#defaults()}. */
  public static NettyServerBuilder configure(NettyServerBuilder server) {
    return configure(server, RingOptions.defaults());
  }

  /**
   * Tunes the worker's gRPC server for ring traffic. Call before {@code build()}; the runtime then adds
   * its {@link CollectiveService}.
   *
   * @return {@code server}, for chaining
   */
  public static NettyServerBuilder configure(NettyServerBuilder server, RingOptions options) {
    long keepAliveNanos = options.keepAliveTime().toNanos();
    return server
        .flowControlWindow(options.flowControlWindowBytes())
        .keepAliveTime(keepAliveNanos, TimeUnit.NANOSECONDS)
        .keepAliveTimeout(options.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        // peers ping every keepAliveTime; allow twice that rate so jitter never trips the server's
        // "too many pings" protection (which would close the connection: a false PeerLost)
        .permitKeepAliveTime(keepAliveNanos / 2, TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /**
   * Opens a plaintext channel to a peer's server for ring traffic. Retries are disabled (a ring frame is
   * never replayed: the sender reuses its staging buffer once the frame is serialized) and callbacks run
   * on the transport thread (they only record state and wake the op thread).
   */
  public static ManagedChannel newChannel(PeerAddress peer, RingOptions options) {
    return NettyChannelBuilder.forAddress(peer.host(), peer.port())
        .usePlaintext()
        .disableRetry()
        .directExecutor()
        .flowControlWindow(options.flowControlWindowBytes())
        .keepAliveTime(options.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(options.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
