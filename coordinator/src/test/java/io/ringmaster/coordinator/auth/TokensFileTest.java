package io.ringmaster.coordinator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.config.InvalidConfigException;
import io.ringmaster.job.spec.Violation;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tokens file: what it accepts, what it refuses (with the path in the file), and token lookup. */
class TokensFileTest {
  static final String ALICE = "alice-token-0123456789abcdef0123456789";
  static final String BOB = "bob-token-0123456789abcdef0123456789abc";

  static String sha(String token) {
    return HexFormat.of().formatHex(TokenTable.sha256(token));
  }

  @Test
  void readsHashedAndPlainTokensWithTenantsRolesAndQuotas() {
    TokenTable t = TokensFile.parse("""
        tokens:
          - {name: alice, tenant: team-a, role: submit, sha256: %s}
          - {name: bob, tenant: team-b, role: READ, token: "%s"}
        tenants:
          team-a: {maxActiveJobs: 2, maxWorkerMemoryMb: 4096}
        """.formatted(sha(ALICE), BOB), "tokens.yaml", false);

    assertThat(t.size()).isEqualTo(2);
    assertThat(t.authenticate(ALICE)).hasValueSatisfying(e -> {
      assertThat(e.name()).isEqualTo("alice");
      assertThat(e.tenant()).isEqualTo("team-a");
      assertThat(e.role()).isEqualTo(Role.SUBMIT);
    });
    assertThat(t.authenticate(BOB)).hasValueSatisfying(e -> assertThat(e.role()).isEqualTo(Role.READ));
    assertThat(t.authenticate(ALICE + "x")).isEmpty();
    assertThat(t.authenticate("")).isEmpty();
    assertThat(t.quota("team-a")).isEqualTo(new TenantQuota(2, 0, 4096));
    assertThat(t.quota("team-b")).isEqualTo(TenantQuota.UNLIMITED);
    assertThat(t.authenticate(ALICE).orElseThrow().toString()).doesNotContain(sha(ALICE));
  }

  static Stream<Arguments> badFiles() {
    String a = "{name: alice, tenant: team-a, role: submit, sha256: " + sha(ALICE) + "}";
    return Stream.of(
        Arguments.of("unknown role", "tokens: [{name: x, tenant: t, role: owner, sha256: " + sha(ALICE) + "}]",
            "tokens[0].role", "read, submit or admin"),
        Arguments.of("tenant not a DNS label", "tokens: [{name: x, tenant: Team_A, role: read, sha256: "
            + sha(ALICE) + "}]", "tokens[0].tenant", "DNS label"),
        Arguments.of("hash not hex", "tokens: [{name: x, tenant: t, role: read, sha256: abc}]",
            "tokens[0].sha256", "64 hex digits"),
        Arguments.of("short plain token", "tokens: [{name: x, tenant: t, role: read, token: short}]",
            "tokens[0].token", "too short"),
        Arguments.of("both hash and token", "tokens: [{name: x, tenant: t, role: read, token: \"" + BOB
            + "\", sha256: " + sha(ALICE) + "}]", "tokens[0]", "exactly one of sha256"),
        Arguments.of("same name twice", "tokens: [" + a + ", {name: alice, tenant: t, role: read, sha256: "
            + sha(BOB) + "}]", "tokens[1].name", "unique"),
        Arguments.of("same token twice", "tokens: [" + a + ", {name: al2, tenant: t, role: read, sha256: "
            + sha(ALICE) + "}]", "tokens[1]", "every token must be different"),
        Arguments.of("unknown key", "tokens: [{name: x, tenant: t, role: read, sha256: " + sha(ALICE)
            + ", expires: never}]", "tokens[0].expires", "unknown key"),
        Arguments.of("negative quota", "tokens: [" + a + "]\ntenants: {team-a: {maxActiveJobs: -1}}",
            "tenants.team-a.maxActiveJobs", ">= 0"),
        Arguments.of("unknown section", "tokens: [" + a + "]\nusers: []", "users", "unknown section"),
        Arguments.of("no tokens list", "tenants: {}", "tokens.yaml", "a list 'tokens'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void refusesBadFilesNamingThePlace(String name, String yaml, String field, String text) {
    assertThatThrownBy(() -> TokensFile.parse(yaml, "tokens.yaml", false))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.violations()).extracting(Violation::field).contains(field);
          assertThat(e.violations()).anySatisfy(v -> assertThat(v.message()).contains(text));
          assertThat(e.getMessage()).doesNotContain(ALICE).doesNotContain(BOB);
        });
  }

  @Test
  void plainTokensNeedAFileOthersCannotRead() {
    assertThatThrownBy(() -> TokensFile.parse("tokens: [{name: x, tenant: t, role: read, token: \"" + BOB + "\"}]",
        "/etc/tokens.yaml", true))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.violations()).extracting(Violation::field).containsExactly("tokens[0].token");
          assertThat(e.getMessage()).contains("chmod 600 /etc/tokens.yaml").doesNotContain(BOB);
        });
    // hashes may sit in a world-readable file
    assertThat(TokensFile.parse("tokens: [{name: x, tenant: t, role: read, sha256: " + sha(BOB) + "}]",
        "/etc/tokens.yaml", true).authenticate(BOB)).isPresent();
  }

  @Test
  void duplicateKeysAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> TokensFile.parse("""
        tokens:
          - name: x
            tenant: t
            role: read
            role: admin
            sha256: %s
        """.formatted(sha(ALICE)), "tokens.yaml", false))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("role");
  }

  @Test
  void problemsOfABlockStyleFileNameTheirLine() {
    assertThatThrownBy(() -> TokensFile.parse("""
        tokens:
          - name: alice
            tenant: team-a
            role: submit
            sha256: %s
          - name: bob
            tenant: Team_B
            role: owner
            token: "%s"
        tenants:
          team-a: {maxActiveJobs: -1}
        """.formatted(sha(ALICE), BOB), "tokens.yaml", false))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
            .extracting(Violation::toString).contains(
                "tokens[1].tenant: must be a DNS label (lowercase letters, digits and '-', 1-63 characters) (line 7)",
                "tokens[1].role: must be read, submit or admin (line 8)",
                "tenants.team-a.maxActiveJobs: must be a whole number >= 0 (0: no limit) (line 11)")
            .allSatisfy(m -> assertThat(m).doesNotContain(BOB)));
  }
}
