package io.ringmaster.cli.multihost;

import io.ringmaster.testhosts.NetworkHosts;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Cross-host tests skip where namespaces cannot be made, except in CI, where they fail. */
class NetworkHostsCiTest {
  @Test
  void unavailableHostsSkipOutsideCiAndFailInCi() {
    assertThatThrownBy(() -> NetworkHosts.assumeAvailable("not root", null))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("not root");
    assertThatThrownBy(() -> NetworkHosts.assumeAvailable("not root", "false"))
        .isInstanceOf(TestAbortedException.class);
    assertThatThrownBy(() -> NetworkHosts.assumeAvailable("not root", "true"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("CI=true").hasMessageContaining("not root");
    assertThatThrownBy(() -> NetworkHosts.assumeAvailable("no iproute2", " TRUE "))
        .isInstanceOf(AssertionError.class);
    assertThatCode(() -> NetworkHosts.assumeAvailable(null, "true")).doesNotThrowAnyException();
  }
}
