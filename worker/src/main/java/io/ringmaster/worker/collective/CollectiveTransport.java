package io.ringmaster.worker.collective;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.proto.v1.CollectiveGrpc;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC transport settings the ring needs, applied in one place to the worker's server and to the
 * ring's channels so both ends agree:
 * <ul>
 *   <li>the HTTP/2 flow-control window (ring data flows client to server, so the server's receive
 *       window is what bounds throughput);</li>
 *   <li>keep-alive pings to detect dead hosts whose connections never close, and the server policy
 *       that permits peers to ping that often;</li>
 *   <li>inline execution of the ring's server callbacks on the transport thread (a call executor
 *       supplier that only affects {@code ringmaster.v1.Collective}: every other service keeps the
 *       server's executor). The callbacks only parse a frame in place and queue it, so this saves a
 *       thread hop per frame. A runtime that needs its own {@code callExecutor} must keep this
 *       behaviour for the ring, or accept the extra hop.</li>
 * </ul>
 * The maximum inbound message size stays at gRPC's 4 MiB default: frames carry at most {@link
 * RingOptions#MAX_CHUNK_BYTES} plus a small header.
 */
public final class CollectiveTransport {
  /** Runs calls of the ring service on the transport thread; {@code null} = server default. */
  private static final ServerCallExecutorSupplier RING_CALLS_INLINE = new ServerCallExecutorSupplier() {
    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
      return CollectiveGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
          ? Runnable::run
          : null;
    }
  };

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
        .permitKeepAliveWithoutCalls(true)
        .callExecutor(RING_CALLS_INLINE);
  }

  /**
   * Opens a plaintext channel to a peer's server for ring traffic (tests, benchmarks; a worker dials through
   * {@link CollectiveService#peerChannel}). Retries are disabled (a ring frame is
   * never replayed: the sender reuses its staging buffer once the frame is serialized) and callbacks run
   * on the transport thread (they only record state and wake the op thread).
   */
  public static ManagedChannel newChannel(PeerAddress peer, RingOptions options) {
    return newChannel(peer, options, TransportSecurity.plaintext());
  }

  /**
   * As {@link #newChannel(PeerAddress, RingOptions)}, secured as {@code security} says: with TLS, this worker
   * presents its certificate and checks that the peer's chains to the trust bundle (not its host name: pods
   * share certificates; the ring token proves membership, see {@link RingAdmission}).
   */
  public static ManagedChannel newChannel(PeerAddress peer, RingOptions options, TransportSecurity security) {
    return configure(GrpcEndpoints.peerChannel(peer.host(), peer.port(), security), options).build();
  }

  /**
   * The channel-side settings of {@link #newChannel}, for a caller that builds its own channel to a
   * peer (address, security): no retries, callbacks on the transport thread, the flow-control window
   * and keep-alive pings (gRPC raises a keep-alive time below 10 s to 10 s).
   *
   * @return {@code channel}, for chaining
   */
  public static NettyChannelBuilder configure(NettyChannelBuilder channel, RingOptions options) {
    return channel
        .disableRetry()
        .directExecutor()
        .flowControlWindow(options.flowControlWindowBytes())
        .keepAliveTime(options.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(options.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(true);
  }
}
