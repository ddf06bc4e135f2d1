package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.auth.TokenTable;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringmaster audit} against a real coordinator with client tokens, whose trail holds records made
 * around the CLI's (fake) clock: the table, the filters (--since relative and absolute, --action, --tenant,
 * --job, --limit), and what a tenant's token gets.
 */
class AuditCommandTest {
  static final String ADMIN = "admin-0123456789abcdef0123456789abcdef";
  static final String READER = "reader-0123456789abcdef0123456789abcdef";
  static final long H = 3_600_000L;
  @TempDir static Path dir;
  static CoordinatorServer coordinator;

  @BeforeAll
  static void start() throws Exception {
    coordinator = CoordinatorServer.builder().port(0).dataDir(dir.resolve("runs")).store(new InMemoryJobStore())
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .clientTokens(new TokenTable(List.of(
            new TokenTable.Entry("ada", "ops", Role.ADMIN, TokenTable.sha256(ADMIN)),
            new TokenTable.Entry("rita", "team-a", Role.READ, TokenTable.sha256(READER))), Map.of()))
        .build().start();
    var store = coordinator.jobs().store();
    long t0 = TestJobs.T0;
    store.audit(new AuditRecord(t0 - 30 * H, AuditRecord.Action.SUBMIT, "old-job", "team-a", "alice",
        "10.0.0.1:4000", "mnist"));
    store.audit(new AuditRecord(t0 - 3 * H, AuditRecord.Action.SUBMIT, "job-a", "team-a", "alice", "10.0.0.1:4001",
        "fashion"));
    store.audit(new AuditRecord(t0 - 2 * H - 60_000, AuditRecord.Action.REFUSE, "job-a", "team-b", "bob",
        "10.0.0.2:5000", "", "JobService.CancelJob", AuditRecord.Reason.OTHER_TENANT));
    store.audit(new AuditRecord(t0 - H, AuditRecord.Action.REFUSE, "", "", "sha256:0123456789ab", "10.0.0.3:6000",
        "(and 41 refusal(s) not recorded one by one since 2025-01-02T02:03:00Z)", "JobService.ListJobs",
        AuditRecord.Reason.UNKNOWN_TOKEN));
    store.audit(new AuditRecord(t0 - 60_000, AuditRecord.Action.CANCEL, "job-a", "team-a", "alice",
        "10.0.0.1:4002", "was RUNNING, now CANCELLED"));
  }

  @AfterAll
  static void stop() {
    coordinator.close();
  }

  CliHarness.Result audit(Optional<String> token, String... args) throws Exception {
    try (CliHarness cli = new CliHarness()) {
      cli.channels = ChannelFactory.plaintext(() -> token);
      String[] all = new String[args.length + 3];
      all[0] = "audit";
      all[1] = "--coordinator";
      all[2] = "127.0.0.1:" + coordinator.port();
      System.arraycopy(args, 0, all, 3, args.length);
      return cli.run(all);
    }
  }

  /** The table's data lines (without the header), for the admin. */
  List<String> rows(String... args) throws Exception {
    CliHarness.Result r = audit(Optional.of(ADMIN), args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r.out().lines().skip(1).filter(l -> !l.startsWith("(")).toList();
  }

  @Test
  void anAdminSeesATableNewestFirstWithRefusalsAndTheirReasons() throws Exception {
    CliHarness.Result r = audit(Optional.of(ADMIN), "--since", "2025-01-01");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("TIME").contains("ACTION", "WHO", "TENANT", "FROM", "JOB / METHOD", "DETAIL");
    assertThat(lines.get(1)).startsWith("2025-01-02 03:03:05").contains("cancel", "alice", "team-a", "10.0.0.1:4002",
        "job-a", "was RUNNING, now CANCELLED");
    assertThat(lines.get(2)).startsWith("2025-01-02 02:04:05")
        .contains("refused UNAUTHENTICATED unknown_token", "sha256:0123456789ab", "JobService.ListJobs",
            "(and 41 refusal(s) not recorded");
    assertThat(lines.get(3)).contains("refused NOT_FOUND other_tenant", "bob", "team-b",
        "job-a (JobService.CancelJob)");
    assertThat(lines.get(4)).contains("submit", "job-a", "fashion");
    assertThat(lines.subList(1, lines.size())).noneMatch(l -> l.contains("old-job"));
  }

  @Test
  void filtersNarrowTheListing() throws Exception {
    assertThat(rows("--since", "2h", "--action", "refused")).singleElement().asString().contains("unknown_token");
    assertThat(rows("--since", "4h", "--action", "submit,cancel")).hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("job-a"));
    assertThat(rows("--tenant", "team-b")).singleElement().asString().contains("bob");
    assertThat(rows("--job", "old-job")).singleElement().asString().contains("mnist");
    assertThat(rows("--since", "2025-01-02T00:00Z", "--action", "cancel")).singleElement().asString()
        .contains("cancel");
    CliHarness.Result limited = audit(Optional.of(ADMIN), "--action", "submit", "--limit", "1");
    assertThat(limited.out()).contains("job-a").doesNotContain("old-job").contains("(the newest 1;");
  }

  @Test
  void aTenantsTokenSeesItsOwnJobsAndIsToldRefusalsAreForAdmins() throws Exception {
    CliHarness.Result mine = audit(Optional.of(READER), "--since", "2025-01-01");
    assertThat(mine.exitCode()).as(mine.err()).isZero();
    assertThat(mine.out()).contains("cancel", "submit").doesNotContain("refused").doesNotContain("bob");
    CliHarness.Result refusals = audit(Optional.of(READER), "--action", "refused");
    assertThat(refusals.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(refusals.err()).contains("does not allow this").contains("admins only");
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    CliHarness.Result since = audit(Optional.of(ADMIN), "--since", "yesterday");
    assertThat(since.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(since.err()).contains("--since: cannot read 'yesterday'").contains("7d");
    CliHarness.Result action = audit(Optional.of(ADMIN), "--action", "launch");
    assertThat(action.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(action.err()).contains("use submit, cancel, delete or refused");
    // (no token: the same answer as every client command, ClientTokenCommandsTest; not called here, as the
    // refusal it records, at the real time, would show among this class's records)
  }
}
