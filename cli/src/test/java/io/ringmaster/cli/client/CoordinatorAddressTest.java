package io.ringmaster.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoordinatorAddressTest {

  @Test
  void parsesHostAndPort() {
    assertThat(CoordinatorAddress.parse("localhost:7070")).isEqualTo(new CoordinatorAddress("localhost", 7070));
    assertThat(CoordinatorAddress.parse(" 10.1.2.3:9 ")).isEqualTo(new CoordinatorAddress("10.1.2.3", 9));
  }

  @Test
  void bareHostTakesTheDefaultPort() {
    assertThat(CoordinatorAddress.parse("coord.example")).isEqualTo(new CoordinatorAddress("coord.example", 7070));
  }

  @Test
  void ipv6InBrackets() {
    CoordinatorAddress a = CoordinatorAddress.parse("[::1]:8080");
    assertThat(a).isEqualTo(new CoordinatorAddress("::1", 8080));
    assertThat(a).hasToString("[::1]:8080");
    assertThat(CoordinatorAddress.parse("[fe80::1]").port()).isEqualTo(7070);
  }

  @Test
  void rejectsBadInputWithAnExample() {
    assertThatThrownBy(() -> CoordinatorAddress.parse("host:99999"))
        .hasMessage("invalid coordinator address 'host:99999': the port must be in 1..65535;"
            + " expected HOST:PORT, e.g. localhost:7070");
    assertThatThrownBy(() -> CoordinatorAddress.parse(":7070")).hasMessageContaining("the host is empty");
    assertThatThrownBy(() -> CoordinatorAddress.parse("::1:7070")).hasMessageContaining("in brackets");
    assertThatThrownBy(() -> CoordinatorAddress.parse("")).hasMessageContaining("it is empty");
    assertThatThrownBy(() -> CoordinatorAddress.parse("[::1")).hasMessageContaining("no closing ']'");
  }
}
