package io.ringmaster.job.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExposureCheckTest {
  @ParameterizedTest
  @CsvSource({
      "127.0.0.1, true", "127.1.2.3, true", "::1, true", "[::1], true", "localhost, true", "LOCALHOST, true",
      "0.0.0.0, false", "::, false", "10.0.0.5, false", "198.18.0.1, false", "coordinator.example, false",
      "localhost.example.com, false"})
  void loopbackIsRecognisedWithoutTrustingDns(String host, boolean loopback) {
    assertThat(ExposureCheck.isLoopback(host)).isEqualTo(loopback);
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1:7070, 127.0.0.1", "[::1]:7070, [::1]", "dns:///coord:7070, coord", "coord, coord"})
  void theHostOfATargetIsFound(String target, String host) {
    assertThat(ExposureCheck.hostOf(target)).isEqualTo(host);
  }

  @ParameterizedTest
  @CsvSource({
      // bind host, --insecure, refused
      "127.0.0.1, false, false", "0.0.0.0, false, true", "0.0.0.0, true, false", "10.0.0.5, false, true"})
  void aPlaintextListenerBeyondLoopbackIsRefusedUnlessInsecureIsExplicit(String host, boolean insecure, boolean refused) {
    var check = assertThatCode(() -> ExposureCheck.requireSecureListener("coordinator", host,
        TransportSecurity.plaintext(), insecure));
    if (refused) {
      assertThatThrownBy(() -> ExposureCheck.requireSecureListener("coordinator", host, TransportSecurity.plaintext(),
          insecure))
          .isInstanceOf(ExposureCheck.InsecureExposureException.class)
          .hasMessageContaining("coordinator refuses to listen on " + host + " in plaintext")
          .hasMessageContaining("ringmaster certs").hasMessageContaining("--insecure");
    } else {
      check.doesNotThrowAnyException();
    }
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1:7070, false, false", "coord.example:7070, false, true", "coord.example:7070, true, false",
      "localhost:7070, false, false"})
  void aPlaintextTargetBeyondLoopbackIsRefusedUnlessInsecureIsExplicit(String target, boolean insecure,
      boolean refused) {
    if (refused) {
      assertThatThrownBy(() -> ExposureCheck.requireSecureTarget("worker", target, TransportSecurity.plaintext(),
          insecure))
          .hasMessageContaining("worker refuses to talk to " + target + " in plaintext")
          .hasMessageContaining("ringmaster certs");
    } else {
      assertThatCode(() -> ExposureCheck.requireSecureTarget("worker", target, TransportSecurity.plaintext(), insecure))
          .doesNotThrowAnyException();
    }
  }
}
