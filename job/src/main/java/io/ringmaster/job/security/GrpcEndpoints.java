package io.ringmaster.job.security;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The one place where the project's gRPC servers and channels are created, so that every one of them
 * (client to coordinator, coordinator and workers, worker to worker) has the process's {@link
 * TransportSecurity}: plaintext, or TLS with this process's certificate and its trust bundle. Callers add
 * services, executors and tuning to the builders they get.
 */
public final class GrpcEndpoints {
  private GrpcEndpoints() {}

  /** A server bound to {@code address}, secured as {@code security} says. */
  public static NettyServerBuilder server(InetSocketAddress address, TransportSecurity security,
      TransportSecurity.ClientAuth clientAuth) {
    return NettyServerBuilder.forAddress(address, security.serverCredentials(clientAuth));
  }

  /**
   * A channel to {@code host:port}. With TLS the server's certificate must chain to the trust bundle and
   * name {@code host} (DNS name or IP address) among its subject alternative names.
   */
  public static NettyChannelBuilder channel(String host, int port, TransportSecurity security) {
    return NettyChannelBuilder.forAddress(host, port, security.channelCredentials());
  }

  /**
   * A channel to a ring peer's server at {@code host:port}: with TLS the peer's certificate must chain to the
   * trust bundle, its host name is not checked ({@link TransportSecurity#peerChannelCredentials()}).
   */
  public static NettyChannelBuilder peerChannel(String host, int port, TransportSecurity security) {
    return NettyChannelBuilder.forAddress(host, port, security.peerChannelCredentials());
  }

  /** A channel to a gRPC target ({@code host:port}, {@code dns:///host:port}, ...), as {@link #channel(String, int, TransportSecurity)}. */
  public static NettyChannelBuilder channel(String target, TransportSecurity security) {
    return NettyChannelBuilder.forTarget(target, security.channelCredentials());
  }

  /** The verified certificate the caller presented on this call's TLS connection, if any. */
  public static Optional<X509Certificate> peerCertificate(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
