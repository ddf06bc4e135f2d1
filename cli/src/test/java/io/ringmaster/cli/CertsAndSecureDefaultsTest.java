package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.job.security.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ringmaster certs}, and the refusals that make plaintext beyond loopback an explicit choice. */
class CertsAndSecureDefaultsTest {
  @TempDir Path dir;

  @Test
  void certsMakesACaAndACertificateForTheHostsWithOwnerOnlyKeysAndReusesTheCa() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      CliHarness.Result first = cli.run("certs", "--out", dir.toString(), "--host", "coord.example,10.0.0.7");
      CliHarness.Result second = cli.run("certs", "--out", dir.toString(), "--host", "worker-1", "--name", "w1",
          "--no-loopback");

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("Made a development CA").contains("--tls-cert " + dir.resolve("node.pem"));
      assertThat(second.out()).contains("Reused the CA in " + dir.resolve("ca.pem"));
      for (String key : List.of("ca-key.pem", "node-key.pem", "w1-key.pem")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
      }
      X509Certificate ca = PemFiles.certificates(dir.resolve("ca.pem")).get(0);
      X509Certificate node = PemFiles.certificates(dir.resolve("node.pem")).get(0);
      X509Certificate w1 = PemFiles.certificates(dir.resolve("w1.pem")).get(0);
      node.verify(ca.getPublicKey());
      w1.verify(ca.getPublicKey());
      assertThat(node.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1)))
          .containsExactly("coord.example", "10.0.0.7", "localhost", "127.0.0.1");
      assertThat(w1.getSubjectAlternativeNames()).extracting(n -> String.valueOf(n.get(1))).containsExactly("worker-1");
    }
  }

  @Test
  void aCoordinatorOnAWildcardAddressWithoutTlsRefusesToStartAndSaysHowToFixIt() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = CoordinatorLauncher.inProcess();
      CliHarness.Result r = cli.run("coordinator", "--host", "0.0.0.0", "--port", "0", "--data-dir",
          dir.resolve("runs").toString(), "--scheduler", "external", "--client-auth", "none");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("coordinator refuses to listen on 0.0.0.0 in plaintext")
          .contains("ringmaster certs").contains("--insecure");
    }
  }

  @Test
  void aCoordinatorWithIncompleteTlsFlagsNamesWhatIsMissing() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = CoordinatorLauncher.inProcess();
      CliHarness.Result r = cli.run("coordinator", "--port", "0", "--data-dir", dir.resolve("runs").toString(),
          "--tls-cert", dir.resolve("missing.pem").toString());

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("tls.ca is missing").contains("tls.key").contains("no such readable file");
    }
  }

  @Test
  void aClientRefusesPlaintextToANonLoopbackCoordinatorUnlessInsecure() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      CliHarness.Result refused = cli.run("list", "--coordinator", "coord.example:7070");
      CliHarness.Result loopback = cli.run("list", "--coordinator", "127.0.0.1:7070");

      assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(refused.err()).contains("ringmaster refuses to talk to coord.example:7070 in plaintext")
          .contains("--tls-ca").contains("--insecure");
      assertThat(loopback.exitCode()).as(loopback.err()).isZero();
    }
  }
}
