package io.ringmaster.job.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateAuthorityTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void certificatesNameEveryHostAsDnsOrIpAndServeBothEndsOfMutualTls() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.create("ca", Duration.ofDays(10), clock);
    X509Certificate cert = ca.issue("w", List.of("worker-0.example", "10.1.2.3", "::1"), Duration.ofDays(2)).certificate();

    assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(0) + "=" + n.get(1))
        .containsExactly("2=worker-0.example", "7=10.1.2.3", "7=0:0:0:0:0:0:0:1");
    assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-01-03T00:00:00Z"));
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.ca().getBasicConstraints()).isEqualTo(0);
    cert.verify(ca.ca().getPublicKey());
  }

  @Test
  void keysAreWrittenReadableByTheOwnerOnlyAndReadBack() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.create("ca", Duration.ofDays(10), clock);
    ca.write(dir);
    ca.issue("coordinator", List.of("localhost"), Duration.ofDays(1)).write(dir, "coordinator");

    for (String key : List.of("ca-key.pem", "coordinator-key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("coordinator.pem"))))
        .isNotEqualTo("rw-------");
    DevCertificateAuthority again = DevCertificateAuthority.load(dir, clock);
    assertThat(again.ca()).isEqualTo(ca.ca());
    again.issue("later", List.of("x"), Duration.ofDays(1)).certificate().verify(ca.ca().getPublicKey());
    new ReloadingKeyManager(dir.resolve("coordinator.pem"), dir.resolve("coordinator-key.pem"));
  }

  @Test
  void aCertificateWithoutHostsIsRefused() {
    DevCertificateAuthority ca = DevCertificateAuthority.create("ca", Duration.ofDays(10), clock);
    assertThatThrownBy(() -> ca.issue("x", List.of(), Duration.ofDays(1)))
        .hasMessageContaining("at least one host name or IP address");
  }

  @Test
  void pemKeysOfEveryCommonEncodingAreRead() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    var pair = rsa.generateKeyPair();
    // PKCS#1, what Helm's genSignedCert and cert-manager write by default
    java.io.StringWriter text = new java.io.StringWriter();
    try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
      w.writeObject(pair.getPrivate());
    }
    String pkcs1 = text.toString();
    assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(PemFiles.privateKey(pkcs1.getBytes(), "pkcs1")).isEqualTo(pair.getPrivate());
    String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    assertThat(PemFiles.privateKey(pkcs8.getBytes(), "pkcs8")).isEqualTo(pair.getPrivate());
    assertThat(DevCertificateAuthority.pem(pair.getPrivate())).isEqualTo(pkcs8);
    assertThatThrownBy(() -> PemFiles.privateKey("hello".getBytes(), "/etc/some-file"))
        .hasMessage("/etc/some-file: no PEM private key (-----BEGIN ... PRIVATE KEY-----) in it");
  }
}
