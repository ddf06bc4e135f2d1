package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Opens a gRPC channel to a coordinator. Tests substitute an in-process channel. */
@FunctionalInterface
public interface ChannelFactory {
  /** A new channel; the caller shuts it down. */
  ManagedChannel open(CoordinatorAddress address);

  /**
   * A new channel that carries the user's client token ({@link ClientToken}), for the client commands
   * (submit, list, ...); the default is {@link #open}.
   *
   * @throws ClientToken.BadTokenSourceException when the token's source cannot be used
   */
  default ManagedChannel openWithToken(CoordinatorAddress address) {
    return open(address);
  }

  /**
   * Plain-text HTTP/2 over TCP (grpc-netty-shaded), what a coordinator serves; client commands send the
   * token of {@link ClientToken#ofThisProcess()}.
   */
  static ChannelFactory plaintext() {
    return plaintext(ClientToken::ofThisProcess);
  }

  /** {@link #plaintext()} whose client commands send the token {@code token} gives (if any). */
  static ChannelFactory plaintext(java.util.function.Supplier<java.util.Optional<String>> token) {
    return new ChannelFactory() {
      @Override
      public ManagedChannel open(CoordinatorAddress address) {
        return builder(address).build();
      }

      @Override
      public ManagedChannel openWithToken(CoordinatorAddress address) {
        NettyChannelBuilder b = builder(address);
        token.get().ifPresent(t -> b.intercept(new BearerToken(t)));
        return b.build();
      }
    };
  }

  private static NettyChannelBuilder builder(CoordinatorAddress address) {
    // accept whatever a coordinator may be configured to send (grpc.maxMessageMb at its largest)
    return NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext()
        .maxInboundMessageSize(io.ringmaster.coordinator.config.CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT);
  }
}
