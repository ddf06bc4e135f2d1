package io.ringmaster.coordinator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.auth.TokensFileWatcher.Outcome;
import io.ringmaster.coordinator.config.InvalidConfigException;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.JobServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The tokens file read again while the coordinator runs, on a fake clock: additions and revocations apply
 * at the next look, a file still being written or broken keeps the tokens in use (the problem logged with
 * its line), and a Kubernetes Secret volume's symlink swap is seen.
 */
class TokensFileWatcherTest {
  static final String ALICE = "alice-token-0123456789abcdef0123456789";
  static final String BOB = "bob-token-0123456789abcdef0123456789abc";
  static final long NOW = 1_800_000_000_000L;

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(NOW);
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger logger = (Logger) LoggerFactory.getLogger(TokensFileWatcher.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  static String entry(String name, String tenant, String role, String token) {
    return "  - {name: " + name + ", tenant: " + tenant + ", role: " + role + ", sha256: "
        + HexFormat.of().formatHex(TokenTable.sha256(token)) + "}\n";
  }

  static final String BOTH = "tokens:\n" + entry("alice", "team-a", "submit", ALICE) + entry("bob", "team-b", "read", BOB);
  static final String ALICE_ONLY = "tokens:\n" + entry("alice", "team-a", "submit", ALICE);

  /** Writes {@code text} to {@code file} as last modified {@code agoMs} before the fake clock's now. */
  Path write(Path file, String text, long agoMs) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.fromMillis(clock.get() - agoMs));
    return file;
  }

  static boolean accepts(TokenSource source, String token) {
    return source.tokens().authenticate(token).isPresent();
  }

  List<String> warnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aRevokedTokenIsRefusedOnTheNextCallAfterTheLookThatSawTheChange() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), BOTH, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(
        new ClientAuthInterceptorTest.EchoCaller(), ClientAuthInterceptor.withTokens(watcher))).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      var asBob = JobServiceGrpc.newBlockingStub(channel).withInterceptors(
          MetadataUtils.newAttachHeadersInterceptor(ClientAuthInterceptorTest.bearer("Bearer " + BOB)));
      assertThat(asBob.getJob(GetJobRequest.getDefaultInstance()).getId()).isEqualTo("bob/team-b/read");

      write(file, ALICE_ONLY, 60_000); // replaced a minute ago, e.g. by an atomic rename
      assertThat(accepts(watcher, BOB)).as("nothing changes before the look").isTrue();
      assertThat(watcher.check()).isEqualTo(Outcome.APPLIED);

      assertThatThrownBy(() -> asBob.getJob(GetJobRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThat(accepts(watcher, ALICE)).isTrue();
      assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
          .contains("reloaded: 1 token(s) (removed: bob)").doesNotContain(BOB)
          .doesNotContain(HexFormat.of().formatHex(TokenTable.sha256(BOB))));
      assertThat(watcher.check()).isEqualTo(Outcome.UNCHANGED);
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void anAddedTokenIsAcceptedAfterTheLook() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), ALICE_ONLY, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    assertThat(accepts(watcher, BOB)).isFalse();

    write(file, BOTH, 5_000);
    assertThat(watcher.check()).isEqualTo(Outcome.APPLIED);
    assertThat(accepts(watcher, BOB)).isTrue();
    assertThat(watcher.tokens().authenticate(BOB).orElseThrow().tenant()).isEqualTo("team-b");
  }

  @Test
  void aFileCutAfterACompleteEntryIsUsedOnlyOnceItStoppedChanging() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), BOTH, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);

    // an editor writing in place: the first look sees a valid prefix without bob, modified just now
    write(file, ALICE_ONLY, 0);
    assertThat(watcher.check()).isEqualTo(Outcome.WAITING);
    assertThat(accepts(watcher, BOB)).as("a half-written file keeps the tokens in use").isTrue();

    // the write goes on: different bytes again, still fresh
    write(file, BOTH + "  - {name: carol", 0);
    assertThat(watcher.check()).isEqualTo(Outcome.WAITING);
    assertThat(accepts(watcher, BOB)).isTrue();

    // finished: the next look sees the same bytes as the previous one and applies them
    write(file, ALICE_ONLY, 0);
    assertThat(watcher.check()).isEqualTo(Outcome.WAITING);
    clock.addAndGet(1_000); // less than SETTLE: stable bytes alone settle it
    assertThat(watcher.check()).isEqualTo(Outcome.APPLIED);
    assertThat(accepts(watcher, BOB)).isFalse();
  }

  @Test
  void aChangeOlderThanTheSettleTimeIsAppliedAtTheFirstLook() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), BOTH, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    write(file, ALICE_ONLY, TokensFileWatcher.SETTLE.toMillis());
    assertThat(watcher.check()).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void aBrokenFileKeepsThePreviousTokensAndIsLoggedOnceWithItsLine() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), BOTH, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);

    // the third line's entry is cut inside its role
    write(file, "tokens:\n" + entry("alice", "team-a", "submit", ALICE) + "  - {name: bob, tenant: team-b, role: re}\n",
        60_000);
    assertThat(watcher.check()).isEqualTo(Outcome.REJECTED);
    assertThat(accepts(watcher, BOB)).isTrue();
    assertThat(accepts(watcher, ALICE)).isTrue();
    assertThat(warnings()).singleElement().asString()
        .contains("keeping the 2 token(s) in use")
        .contains("tokens[1].role: must be read, submit or admin (line 3)")
        .contains("tokens[1]: give exactly one of sha256");

    assertThat(watcher.check()).as("the same bytes are not reported again").isEqualTo(Outcome.REJECTED);
    assertThat(warnings()).hasSize(1);

    write(file, "tokens:\n" + entry("alice", "team-a", "submit", ALICE) + "  - {name: bob\n", 60_000);
    assertThat(watcher.check()).isEqualTo(Outcome.REJECTED);
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1)).containsPattern("not a valid tokens file at line \\d+, column \\d+");
    assertThat(accepts(watcher, BOB)).isTrue();

    write(file, ALICE_ONLY, 60_000);
    assertThat(watcher.check()).as("a fixed file is used").isEqualTo(Outcome.APPLIED);
    assertThat(accepts(watcher, BOB)).isFalse();
  }

  @Test
  void aPlainTokenInAFileOthersMayReadIsRefusedOnReloadToo() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), ALICE_ONLY, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    write(file, "tokens:\n  - {name: bob, tenant: team-b, role: read, token: \"" + BOB + "\"}\n", 60_000);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(watcher.check()).isEqualTo(Outcome.REJECTED);
    assertThat(accepts(watcher, BOB)).isFalse();
    assertThat(accepts(watcher, ALICE)).isTrue();
    assertThat(warnings()).singleElement().asString().contains("chmod 600").doesNotContain(BOB);
  }

  @Test
  void aDeletedFileKeepsThePreviousTokensAndIsLoggedOnce() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), ALICE_ONLY, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    Files.delete(file);
    assertThat(watcher.check()).isEqualTo(Outcome.UNREADABLE);
    assertThat(watcher.check()).isEqualTo(Outcome.UNREADABLE);
    assertThat(accepts(watcher, ALICE)).isTrue();
    assertThat(warnings()).singleElement().asString().contains("cannot be read");
  }

  /**
   * How the kubelet updates a Secret volume: the files live in a timestamped directory, {@code ..data}
   * links to it, {@code tokens.yaml} links to {@code ..data/tokens.yaml}; an update writes a new directory
   * and renames a new {@code ..data} link over the old one (one atomic step).
   */
  @Test
  void aKubernetesSecretVolumeUpdatedBySwappingItsDataSymlinkIsSeen() throws Exception {
    Path volume = Files.createDirectories(dir.resolve("secret"));
    Path first = Files.createDirectories(volume.resolve("..2026_11_30_04_00_00.1"));
    write(first.resolve("tokens.yaml"), BOTH, 60_000);
    Files.createSymbolicLink(volume.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(volume.resolve("tokens.yaml"), Path.of("..data/tokens.yaml"));
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    assertThat(accepts(watcher, BOB)).isTrue();

    Path second = Files.createDirectories(volume.resolve("..2026_11_30_05_00_00.2"));
    write(second.resolve("tokens.yaml"), ALICE_ONLY, 0); // written by the kubelet just now
    Path newLink = Files.createSymbolicLink(volume.resolve("..data_tmp"), second.getFileName());
    Files.move(newLink, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

    assertThat(watcher.check()).as("fresh: looked at again").isEqualTo(Outcome.WAITING);
    clock.addAndGet(TokensFileWatcher.DEFAULT_INTERVAL.toMillis());
    assertThat(watcher.check()).isEqualTo(Outcome.APPLIED);
    assertThat(accepts(watcher, BOB)).isFalse();
    assertThat(accepts(watcher, ALICE)).isTrue();
  }

  @Test
  void theTimerLooksAtTheFileOnItsOwn() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), ALICE_ONLY, 60_000);
    TokensFileWatcher watcher = TokensFileWatcher.open(file, clock::get);
    var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (AutoCloseable looking = watcher.every(timer, java.time.Duration.ofMillis(20))) {
      write(file, BOTH, 60_000);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> accepts(watcher, BOB));
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void aBadFileAtStartIsAnErrorWithItsLine() throws Exception {
    Path file = write(dir.resolve("tokens.yaml"), "tokens:\n  - {name: x, tenant: t, role: owner, sha256: "
        + HexFormat.of().formatHex(TokenTable.sha256(ALICE)) + "}\n", 60_000);
    assertThatThrownBy(() -> TokensFileWatcher.open(file, clock::get))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations()).singleElement()
            .asString().isEqualTo("tokens[0].role: must be read, submit or admin (line 2)"));
  }
}
