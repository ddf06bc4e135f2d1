package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Opens a gRPC channel to a coordinator. Tests substitute an in-process channel. */
@FunctionalInterface
public interface ChannelFactory {
  /** A new channel; the caller shuts it down. */
  ManagedChannel open(CoordinatorAddress address);

  /** Plain-text HTTP/2 over TCP (grpc-netty-shaded), what a coordinator serves. */
  static ChannelFactory plaintext() {
    // accept whatever a coordinator may be configured to send (grpc.maxMessageMb at its largest)
    return address -> NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext()
        .maxInboundMessageSize(io.ringmaster.coordinator.config.CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT).build();
  }
}
