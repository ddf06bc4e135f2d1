package io.ringmaster.job.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI finds its client token, and the config files it refuses. */
class ClientTokenTest {
  static final String TOKEN = "t0k3n-0123456789abcdef0123456789abcdef";
  @TempDir Path home;

  Path config(String text, String mode) throws Exception {
    Path f = Files.createDirectories(home.resolve(".config/ringmaster")).resolve("config.yaml");
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void theEnvironmentWinsOverTheFile() throws Exception {
    config("token: from-file\n", "rw-------");
    assertThat(ClientToken.resolve(Map.of(ClientToken.ENV, TOKEN), home)).contains(TOKEN);
    assertThat(ClientToken.resolve(Map.of(ClientToken.ENV, "  "), home)).contains("from-file");
  }

  @Test
  void theFileGivesTheTokenWhenItIsPrivate() throws Exception {
    config("token: " + TOKEN + "\n", "rw-------");
    assertThat(ClientToken.resolve(Map.of(), home)).contains(TOKEN);
  }

  @Test
  void xdgConfigHomeMovesTheFile() throws Exception {
    Path xdg = Files.createDirectories(home.resolve("xdg/ringmaster"));
    Path f = Files.writeString(xdg.resolve("config.yaml"), "token: " + TOKEN + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(ClientToken.resolve(Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString()), home)).contains(TOKEN);
  }

  @Test
  void noTokenAnywhereIsNoToken() throws Exception {
    assertThat(ClientToken.resolve(Map.of(), home)).isEmpty();
    config("# nothing here yet\n", "rw-------");
    assertThat(ClientToken.resolve(Map.of(), home)).isEmpty();
  }

  @Test
  void aFileOthersMayReadIsRefusedWithoutQuotingTheToken() throws Exception {
    for (String mode : new String[] {"rw-r--r--", "rw-r-----"}) {
      Path f = config("token: " + TOKEN + "\n", mode);
      assertThatThrownBy(() -> ClientToken.resolve(Map.of(), home))
          .isInstanceOf(ClientToken.BadTokenSourceException.class)
          .hasMessageContaining("chmod 600 " + f)
          .hasMessageNotContaining(TOKEN);
    }
  }

  @Test
  void malformedFilesAndTokensAreRefused() throws Exception {
    config("token: a\ntoken: b\n", "rw-------");
    assertThatThrownBy(() -> ClientToken.resolve(Map.of(), home))
        .isInstanceOf(ClientToken.BadTokenSourceException.class).hasMessageContaining("token");
    config("token: [1, 2]\n", "rw-------");
    assertThatThrownBy(() -> ClientToken.resolve(Map.of(), home))
        .isInstanceOf(ClientToken.BadTokenSourceException.class).hasMessageContaining("non-empty string");
    assertThatThrownBy(() -> ClientToken.resolve(Map.of(ClientToken.ENV, "two words"), home))
        .isInstanceOf(ClientToken.BadTokenSourceException.class).hasMessageContaining("$" + ClientToken.ENV)
        .hasMessageNotContaining("two words");
  }
}
