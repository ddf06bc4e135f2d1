package io.ringmaster.job.security;

import io.ringmaster.job.testing.PresentedCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS handshakes over loopback through {@link GrpcEndpoints}: mutual TLS, refused certificates,
 * the server's host name, and rotation without restart.
 */
class TlsEndpointsTest {
  private static final Duration YEAR = Duration.ofDays(365);
  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private DevCertificateAuthority ca;
  private Path caFile;

  @BeforeEach
  void makeCa() throws Exception {
    ca = DevCertificateAuthority.create("test CA", YEAR, Clock.systemUTC());
    caFile = ca.write(dir.resolve("ca"));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private TlsFiles identity(String name, List<String> hosts) throws Exception {
    Path certDir = dir.resolve(name);
    Path cert = ca.issue(name, hosts, YEAR).write(certDir, name);
    return TlsFiles.of(cert, certDir.resolve(name + "-key.pem"), caFile);
  }

  private TransportSecurity security(TlsFiles files) {
    TransportSecurity s = TransportSecurity.of(files);
    toClose.add(s);
    return s;
  }

  private Server server(TransportSecurity security, TransportSecurity.ClientAuth auth) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server s = GrpcEndpoints.server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), security, auth)
        .addService(health.getHealthService()).build().start();
    toClose.add(() -> s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return s;
  }

  private ManagedChannel channel(String host, int port, TransportSecurity security) {
    ManagedChannel c = GrpcEndpoints.channel(host, port, security).build();
    toClose.add(c::shutdownNow);
    return c;
  }

  @Test
  void mutualTlsConnectsAndTheClientSeesTheServersCertificate() throws Exception {
    TransportSecurity server = security(identity("coordinator", List.of("localhost", "127.0.0.1")));
    TransportSecurity client = security(identity("worker", List.of("127.0.0.1")));
    Server s = server(server, TransportSecurity.ClientAuth.REQUIRE);

    assertThat(PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), client))).isEqualTo(server.certificate().getSerialNumber());
    assertThat(PresentedCertificate.serialOf(channel("localhost", s.getPort(), client))).isEqualTo(server.certificate().getSerialNumber());
  }

  @Test
  void aClientWithoutACertificateIsRefusedWhereOneIsRequiredAndAcceptedWhereOptional() throws Exception {
    TransportSecurity server = security(identity("worker", List.of("127.0.0.1")));
    TransportSecurity anonymous = security(TlsFiles.trustOnly(caFile));
    Server required = server(server, TransportSecurity.ClientAuth.REQUIRE);
    Server optional = server(server, TransportSecurity.ClientAuth.OPTIONAL);

    assertThatThrownBy(() -> PresentedCertificate.serialOf(channel("127.0.0.1", required.getPort(), anonymous)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(PresentedCertificate.serialOf(channel("127.0.0.1", optional.getPort(), anonymous))).isNotNull();
  }

  @Test
  void aClientCertificateFromAnotherCaFailsTheHandshake() throws Exception {
    TransportSecurity server = security(identity("worker", List.of("127.0.0.1")));
    DevCertificateAuthority stranger = DevCertificateAuthority.create("stranger CA", YEAR, Clock.systemUTC());
    Path strangerDir = dir.resolve("stranger");
    Path cert = stranger.issue("mallory", List.of("127.0.0.1"), YEAR).write(strangerDir, "mallory");
    // the stranger even trusts our CA, so only its own certificate is wrong
    TransportSecurity mallory = security(TlsFiles.of(cert, strangerDir.resolve("mallory-key.pem"), caFile));
    Server s = server(server, TransportSecurity.ClientAuth.REQUIRE);

    assertThatThrownBy(() -> PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), mallory)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aServerWhoseCertificateDoesNotNameTheDialedHostIsRefused() throws Exception {
    TransportSecurity server = security(identity("elsewhere", List.of("coordinator.example", "10.9.9.9")));
    TransportSecurity client = security(identity("worker", List.of("127.0.0.1")));
    Server s = server(server, TransportSecurity.ClientAuth.REQUIRE);

    assertThatThrownBy(() -> PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), client)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aPlaintextClientCannotTalkToATlsServer() throws Exception {
    Server s = server(security(identity("coordinator", List.of("127.0.0.1"))), TransportSecurity.ClientAuth.OPTIONAL);

    assertThatThrownBy(() -> PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), TransportSecurity.plaintext())))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void aRotatedCertificateIsUsedByNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    TlsFiles serverFiles = identity("coordinator", List.of("127.0.0.1"));
    TransportSecurity server = security(serverFiles);
    TransportSecurity client = security(identity("worker", List.of("127.0.0.1")));
    Server s = server(server, TransportSecurity.ClientAuth.REQUIRE);
    ManagedChannel before = channel("127.0.0.1", s.getPort(), client);
    BigInteger first = PresentedCertificate.serialOf(before);

    assertThat(server.reloadNow()).as("nothing changed yet").isFalse();
    ca.issue("coordinator", List.of("127.0.0.1"), YEAR).write(serverFiles.certChain().getParent(), "coordinator");
    assertThat(server.reloadNow()).isTrue();
    BigInteger rotated = server.certificate().getSerialNumber();

    assertThat(rotated).isNotEqualTo(first);
    assertThat(PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), client))).isEqualTo(rotated);
    assertThat(PresentedCertificate.serialOf(before)).as("the open connection keeps its session").isEqualTo(first);
  }

  @Test
  void aRotationToANewCaWorksOnceBothSidesTrustItAndTheTimerPicksItUp() throws Exception {
    TlsFiles serverFiles = identity("coordinator", List.of("127.0.0.1")).withReloadInterval(Duration.ofMillis(100));
    TransportSecurity server = security(serverFiles);
    TransportSecurity client = security(identity("worker", List.of("127.0.0.1")).withReloadInterval(Duration.ofMillis(100)));
    Server s = server(server, TransportSecurity.ClientAuth.REQUIRE);
    BigInteger first = PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), client));

    // step 1: both trust old and new CA; step 2: the server moves to a certificate of the new CA
    DevCertificateAuthority next = DevCertificateAuthority.create("next CA", YEAR, Clock.systemUTC());
    DevCertificateAuthority.writeAtomically(caFile,
        DevCertificateAuthority.pem(ca.ca()) + DevCertificateAuthority.pem(next.ca()), false);
    DevCertificateAuthority.Issued moved = next.issue("coordinator", List.of("127.0.0.1"), YEAR);
    moved.write(serverFiles.certChain().getParent(), "coordinator");

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(PresentedCertificate.serialOf(channel("127.0.0.1", s.getPort(), client)))
            .isEqualTo(moved.certificate().getSerialNumber()).isNotEqualTo(first));
  }

  @Test
  void aHalfWrittenRotationKeepsThePreviousCertificate() throws Exception {
    TlsFiles serverFiles = identity("coordinator", List.of("127.0.0.1"));
    TransportSecurity server = security(serverFiles);
    BigInteger before = server.certificate().getSerialNumber();
    // a new key without its certificate yet
    DevCertificateAuthority.Issued other = ca.issue("coordinator", List.of("127.0.0.1"), YEAR);
    DevCertificateAuthority.writeAtomically(serverFiles.privateKey(), DevCertificateAuthority.pem(other.key()), true);

    assertThatThrownBy(server::reloadNow).hasMessageContaining("is not the private key of the certificate");
    assertThat(server.certificate().getSerialNumber()).isEqualTo(before);
  }
}
