package io.ringmaster.spark;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.config.CoordinatorConfig;
import io.ringmaster.job.security.BearerToken;
import io.ringmaster.job.security.ClientToken;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.TransportSecurity;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How the Spark driver reaches a running coordinator in {@code --coordinator HOST:PORT} mode, the way the
 * CLI's client commands do: TLS from {@code --tls-ca} (the coordinator's certificate must chain to it and
 * name the host dialled; {@code --tls-cert}/{@code --tls-key} present a client certificate where the
 * coordinator wants one), plaintext only to loopback or with {@code --insecure}, and the client token of
 * {@link ClientToken} ({@code RINGMASTER_TOKEN} in the driver's environment, or {@code token:} in the
 * driver user's private config file; never a command-line argument, which {@code ps} and Spark's UI show)
 * on every call. The token's tenant owns what the driver uploads and submits.
 *
 * @param target {@code HOST:PORT} of the coordinator
 * @param security plaintext or TLS, as the options say
 * @param insecure plaintext to a non-loopback coordinator was asked for explicitly
 * @param token the client token, if any (read when a channel is opened)
 */
record RemoteCoordinator(String target, TransportSecurity security, boolean insecure,
    Supplier<Optional<String>> token) {

  RemoteCoordinator {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(token, "token");
  }

  /** The coordinator at {@code target} with this process's token ({@link ClientToken#ofThisProcess()}). */
  static RemoteCoordinator of(String target, TransportSecurity security, boolean insecure) {
    return new RemoteCoordinator(target, security, insecure, ClientToken::ofThisProcess);
  }

  /**
   * A new channel to the coordinator carrying the token; the caller shuts it down.
   *
   * @throws ExposureCheck.InsecureExposureException for plaintext beyond loopback without {@code insecure}
   * @throws ClientToken.BadTokenSourceException when the token's config file or variable cannot be used
   */
  ManagedChannel open() {
    ExposureCheck.requireSecureTarget("ringmaster-spark", target, security, insecure);
    NettyChannelBuilder b = GrpcEndpoints.channel(target, security)
        // accept whatever a coordinator may be configured to send, as the CLI does
        .maxInboundMessageSize(CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT);
    token.get().ifPresent(t -> b.intercept(new BearerToken(t)));
    return b.build();
  }

  /** Whether a token is configured (to explain an UNAUTHENTICATED answer). */
  boolean hasToken() {
    return token.get().isPresent();
  }
}
