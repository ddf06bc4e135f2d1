package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
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

  /** HTTP/2 over TCP (grpc-netty-shaded), what a coordinator serves: plaintext or TLS. */
  static ChannelFactory plaintext() {
    return new ChannelFactory() {
      @Override
      public ManagedChannel open(CoordinatorAddress address) {
        return open(address, TransportSecurity.plaintext());
      }

      @Override
      public ManagedChannel open(CoordinatorAddress address, TransportSecurity security) {
        // accept whatever a coordinator may be configured to send (grpc.maxMessageMb at its largest)
        return GrpcEndpoints.channel(address.host(), address.port(), security)
            .maxInboundMessageSize(io.ringmaster.coordinator.config.CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT).build();
      }
    };
  }
}
