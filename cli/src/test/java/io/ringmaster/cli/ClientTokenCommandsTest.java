package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands send the user's token; a coordinator with tokens refuses them without it, in plain words. */
class ClientTokenCommandsTest {
  static final String TOKEN = "reader-0123456789abcdef0123456789abcdef";
  @TempDir static Path dir;
  static CoordinatorServer coordinator;

  @BeforeAll
  static void start() throws Exception {
    coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("runs")).store(new InMemoryJobStore())
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .clientTokens(new TokenTable(List.of(new TokenTable.Entry("rita", "team-a", Role.READ,
            TokenTable.sha256(TOKEN))), Map.of()))
        .build().start();
  }

  @AfterAll
  static void stop() {
    coordinator.close();
  }

  CliHarness.Result list(Optional<String> token) throws Exception {
    try (CliHarness cli = new CliHarness()) {
      cli.channels = ChannelFactory.plaintext(() -> token);
      return cli.run("list", "--coordinator", "127.0.0.1:" + coordinator.port());
    }
  }

  @Test
  void withTheTokenTheCommandWorks() throws Exception {
    CliHarness.Result r = list(Optional.of(TOKEN));
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  void withoutATokenTheUserIsToldHowToGiveOne() throws Exception {
    CliHarness.Result r = list(Optional.empty());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("did not accept this client").contains("RINGMASTER_TOKEN");
  }

  @Test
  void aWrongTokenIsRefusedWithoutBeingQuoted() throws Exception {
    CliHarness.Result r = list(Optional.of(TOKEN + "-wrong"));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("not accepted").doesNotContain(TOKEN);
  }
}
