package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.job.security.BearerToken;
import io.ringmaster.job.security.ClientToken;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TransportSecurity;

/** Opens a gRPC channel to a coordinator. Tests substitute an in-process channel. */
@FunctionalInterface
public interface ChannelFactory {
  /** A new plaintext channel; the caller shuts it down. */
  ManagedChannel open(CoordinatorAddress address);

  /**
   * A new channel secured as {@code security} says (TLS: the coordinator's certificate must chain to the
   * trust bundle and name the address's host). A factory that cannot secure channels (an in-process test
   * channel) opens what {@link #open(CoordinatorAddress)} opens.
   */
  default ManagedChannel open(CoordinatorAddress address, TransportSecurity security) {
    return open(address);
  }

  /**
   * A new plaintext channel that carries the user's client token ({@link ClientToken}), for the client
   * commands (submit, list, ...); the default is {@link #open}.
   *
   * @throws ClientToken.BadTokenSourceException when the token's source cannot be used
   */
  default ManagedChannel openWithToken(CoordinatorAddress address) {
    return openWithToken(address, TransportSecurity.plaintext());
  }

  /**
   * A new channel secured as {@code security} says that carries the user's client token: what the client
   * commands open. The default is {@link #open(CoordinatorAddress, TransportSecurity)}.
   *
   * @throws ClientToken.BadTokenSourceException when the token's source cannot be used
   */
  default ManagedChannel openWithToken(CoordinatorAddress address, TransportSecurity security) {
    return open(address, security);
  }

  /**
   * HTTP/2 over TCP (grpc-netty-shaded), what a coordinator serves: plaintext or TLS; client commands send
   * the token of {@link ClientToken#ofThisProcess()}.
   */
  static ChannelFactory plaintext() {
    return plaintext(ClientToken::ofThisProcess);
  }

  /** {@link #plaintext()} whose client commands send the token {@code token} gives (if any). */
  static ChannelFactory plaintext(java.util.function.Supplier<java.util.Optional<String>> token) {
    return new ChannelFactory() {
      @Override
      public ManagedChannel open(CoordinatorAddress address) {
        return open(address, TransportSecurity.plaintext());
      }

      @Override
      public ManagedChannel open(CoordinatorAddress address, TransportSecurity security) {
        return builder(address, security).build();
      }

      @Override
      public ManagedChannel openWithToken(CoordinatorAddress address, TransportSecurity security) {
        NettyChannelBuilder b = builder(address, security);
        token.get().ifPresent(t -> b.intercept(new BearerToken(t)));
        return b.build();
      }
    };
  }

  private static NettyChannelBuilder builder(CoordinatorAddress address, TransportSecurity security) {
    // accept whatever a coordinator may be configured to send (grpc.maxMessageMb at its largest)
    return GrpcEndpoints.channel(address.host(), address.port(), security)
        .maxInboundMessageSize(io.ringmaster.coordinator.config.CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT);
  }
}
