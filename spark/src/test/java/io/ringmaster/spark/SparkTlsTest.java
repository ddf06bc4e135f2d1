package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.security.DevCertificateAuthority;
import io.ringmaster.job.security.TransportSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the Spark application finds its TLS files on the driver and the executors, and the settings it refuses. */
class SparkTlsTest {
  @TempDir Path dir;

  @Test
  void aFileIsReadAsGivenWhereReadableElseAsSparkDistributedIt() throws Exception {
    Path shipped = Files.createDirectories(dir.resolve("spark-files"));
    Files.writeString(shipped.resolve("ca.pem"), "x");
    Path local = Files.writeString(dir.resolve("cert.pem"), "y");

    assertThat(SparkTls.resolve(local.toString(), "certificate", n -> shipped.resolve(n).toString())).isEqualTo(local);
    assertThat(SparkTls.resolve("/etc/ringmaster/tls/ca.pem", "CA bundle", n -> shipped.resolve(n).toString()))
        .as("not on this host: the copy --files shipped under the same name").isEqualTo(shipped.resolve("ca.pem"));
    assertThatThrownBy(() -> SparkTls.resolve("/etc/ringmaster/tls/key.pem", "private key",
        n -> shipped.resolve(n).toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS private key /etc/ringmaster/tls/key.pem: not readable on this host")
        .hasMessageContaining("--files key.pem");
    assertThatThrownBy(() -> SparkTls.resolve("/nowhere/key.pem", "private key", n -> null))
        .as("outside a Spark application").hasMessageContaining("not readable");
  }

  @Test
  void theFilesGoTogetherAndExcludeInsecure() {
    assertThatThrownBy(() -> new SparkTls("c.pem", null, "ca.pem", false)).hasMessageContaining("all three files")
        .hasMessageContaining("missing: key");
    assertThatThrownBy(() -> new SparkTls("c.pem", "k.pem", "ca.pem", true)).hasMessageContaining("exclude");
    assertThat(SparkTls.NONE.isTls()).isFalse();
    assertThat(SparkTls.NONE.open()).isSameAs(TransportSecurity.plaintext());
  }

  @Test
  void theApplicationsFlagsChooseTlsLoopbackOnlyOrInsecure() {
    assertThat(flags().sparkTls()).isEqualTo(SparkTls.NONE);
    assertThat(flags("--insecure").sparkTls()).isEqualTo(SparkTls.INSECURE);
    assertThat(flags("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-ca", "ca.pem").sparkTls())
        .isEqualTo(new SparkTls("c.pem", "k.pem", "ca.pem", false));
    assertThatThrownBy(() -> flags("--tls-cert", "c.pem", "--tls-ca", "ca.pem").sparkTls())
        .hasMessageContaining("--tls-cert, --tls-key and --tls-ca go together").hasMessageContaining("missing: key");
    assertThatThrownBy(() -> flags("--insecure", "--tls-ca", "ca.pem").sparkTls())
        .hasMessageContaining("--insecure (plaintext) and --tls-cert/--tls-key/--tls-ca (TLS) exclude each other");
  }

  private static RingmasterSparkMain flags(String... tls) {
    RingmasterSparkMain main = new RingmasterSparkMain();
    java.util.List<String> args = new java.util.ArrayList<>(List.of("--train", "t.parquet", "--test", "v.parquet",
        "--workers", "2", "--output", "out"));
    args.addAll(List.of(tls));
    new picocli.CommandLine(main).parseArgs(args.toArray(String[]::new));
    return main;
  }

  @Test
  void opensTlsFromDevelopmentCertificates() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.create("t", Duration.ofDays(1), Clock.systemUTC());
    Path caFile = ca.write(dir);
    Path cert = ca.issue("driver", List.of("127.0.0.1"), Duration.ofDays(1)).write(dir, "driver");
    SparkTls tls = new SparkTls(cert.toString(), dir.resolve("driver-key.pem").toString(), caFile.toString(), false);
    try (TransportSecurity security = tls.open(n -> null)) {
      assertThat(security.isTls()).isTrue();
      assertThat(security.hasIdentity()).as("the coordinator serves and the workers present it").isTrue();
    }
    assertThat(tls.toString()).contains("TLS").doesNotContain("driver-key");
  }
}
