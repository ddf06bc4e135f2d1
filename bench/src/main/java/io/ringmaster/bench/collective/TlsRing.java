package io.ringmaster.bench.collective;

import io.ringmaster.job.security.DevCertificateAuthority;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import io.ringmaster.worker.collective.RingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's TLS rank: a {@link GrpcRank} whose server requires client certificates and whose ring
 * dials its peer over TLS, exactly as a worker runs with {@code --tls-*}. Both processes use one
 * certificate made for 127.0.0.1 by a development CA ({@link #makeCertificates()}, in the launcher; the
 * peer finds the directory in a system property).
 */
final class TlsRing implements AutoCloseable {
  static final String CERTS_PROPERTY = "ringmaster.bench.certs";

  private final TransportSecurity security;
  private final GrpcRank rank;

  private TlsRing(TransportSecurity security, GrpcRank rank) {
    this.security = security;
    this.rank = rank;
  }

  /** A CA and a certificate for 127.0.0.1 in a new temporary directory. */
  static Path makeCertificates() throws IOException {
    Path dir = Files.createTempDirectory("ringmaster-bench-certs");
    DevCertificateAuthority ca = DevCertificateAuthority.create("bench CA", Duration.ofDays(1), Clock.systemUTC());
    ca.write(dir);
    ca.issue("rank", List.of("127.0.0.1", "localhost"), Duration.ofDays(1)).write(dir, "rank");
    dir.toFile().deleteOnExit();
    return dir;
  }

  /** This process's TLS rank {@code index}, with the certificates named by {@link #CERTS_PROPERTY}. */
  static TlsRing open(RingOptions options, int index) throws IOException {
    Path dir = Path.of(System.getProperty(CERTS_PROPERTY));
    TransportSecurity security = TransportSecurity.of(TlsFiles.of(dir.resolve("rank.pem"),
        dir.resolve("rank-key.pem"), dir.resolve("ca.pem")));
    return new TlsRing(security, new GrpcRank(options, security));
  }

  GrpcRank rank() {
    return rank;
  }

  @Override
  public void close() throws InterruptedException {
    rank.close();
    security.close();
  }
}
