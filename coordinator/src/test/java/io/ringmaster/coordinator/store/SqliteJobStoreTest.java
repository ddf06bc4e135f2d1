package io.ringmaster.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link JobStore} contract plus file-level behaviour of {@link SqliteJobStore}. */
class SqliteJobStoreTest extends JobStoreContractTest {
  @TempDir Path dir;

  @Override
  JobStore newStore() {
    return SqliteJobStore.openIn(dir.resolve("data"));
  }

  Path file() {
    return dir.resolve("data").resolve(SqliteJobStore.FILE_NAME);
  }

  @Test
  void reopeningTheFileKeepsJobsAndCheckpoints() {
    Job a = job("a", 1000, JobState.JOB_STATE_SUCCEEDED);
    Job b = job("b", 2000, JobState.JOB_STATE_RUNNING);
    store.put(a);
    store.put(b);
    store.addCheckpoint(ref("b", 1, 100, true, 10));
    store.addCheckpoint(ref("b", 2, 50, false, 20));
    store.close();

    try (SqliteJobStore again = SqliteJobStore.open(file())) {
      assertThat(again.list()).containsExactly(b, a);
      assertThat(again.checkpoints("b")).containsExactly(ref("b", 2, 50, false, 20), ref("b", 1, 100, true, 10));
      again.put(b.toBuilder().setState(JobState.JOB_STATE_RECOVERING).setCoordinatorRestarts(1).build());
    }
    try (SqliteJobStore third = SqliteJobStore.open(file())) {
      assertThat(third.get("b")).map(Job::getCoordinatorRestarts).contains(1);
    }
  }

  @Test
  void secondStoreOnTheSameFileIsToldItIsLocked() {
    store.put(job("a", 1, JobState.JOB_STATE_RUNNING));

    assertThatThrownBy(() -> SqliteJobStore.open(file(), Duration.ofMillis(50)))
        .isInstanceOfSatisfying(JobStoreException.class, e -> {
          assertThat(e.kind()).isEqualTo(JobStoreException.Kind.LOCKED);
          assertThat(e.path()).isEqualTo(file().toAbsolutePath());
        })
        .hasMessageContaining(file().toAbsolutePath().toString())
        .hasMessageContaining("another coordinator")
        .hasMessageContaining("different data directory");
    assertThat(store.get("a")).isPresent();
  }

  @Test
  void closeReleasesTheLock() {
    store.put(job("a", 1, JobState.JOB_STATE_RUNNING));
    store.close();
    try (SqliteJobStore again = SqliteJobStore.open(file(), Duration.ofMillis(50))) {
      assertThat(again.get("a")).isPresent();
    }
  }

  @Test
  void garbageFileIsReportedAsCorruptWithWhatToDo() throws Exception {
    store.close();
    Path garbage = dir.resolve("garbage.db");
    Files.writeString(garbage, "this is not an SQLite database, just some text ".repeat(200));

    assertThatThrownBy(() -> SqliteJobStore.open(garbage))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.CORRUPT))
        .hasMessageContaining(garbage.toAbsolutePath().toString())
        .hasMessageContaining("move the file aside");
  }

  @Test
  void damagedPagesAreReportedAsCorrupt() throws Exception {
    for (int i = 0; i < 300; i++) {
      store.put(job("job-" + i, i, JobState.JOB_STATE_SUCCEEDED).toBuilder().setMessage("x".repeat(500)).build());
    }
    store.close();
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      assertThat(f.length()).isGreaterThan(16 * 4096);
      f.seek(4096);
      f.write(new byte[8 * 4096]); // zero pages 2..9: b-tree pages lose their headers
    }

    assertThatThrownBy(() -> SqliteJobStore.open(file()))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.CORRUPT))
        .hasMessageContaining(file().toAbsolutePath().toString());
  }

  @Test
  void databaseOfAnotherApplicationIsRefused() throws Exception {
    store.close();
    Path other = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (name TEXT)");
    }

    assertThatThrownBy(() -> SqliteJobStore.open(other))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.CORRUPT))
        .hasMessageContaining("another application")
        .hasMessageContaining("customers");
  }

  /** A job store written before tenants and the audit trail (schema 1), as the previous release left it. */
  @Test
  void aVersion1StoreIsMigratedInPlaceAndKeepsItsJobs() throws Exception {
    store.close();
    Path v1 = Files.createDirectories(dir.resolve("v1")).resolve(SqliteJobStore.FILE_NAME);
    Job old = job("old-000001", 100, JobState.JOB_STATE_SUCCEEDED);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v1);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL, state TEXT NOT NULL,"
          + " updated_at_ms INTEGER NOT NULL, job BLOB NOT NULL)");
      s.execute("CREATE INDEX jobs_by_created ON jobs (created_at_ms DESC, id)");
      s.execute("CREATE INDEX jobs_by_state ON jobs (state, created_at_ms DESC)");
      s.execute("CREATE TABLE checkpoints (job_id TEXT NOT NULL, id TEXT NOT NULL, epoch INTEGER NOT NULL,"
          + " step INTEGER NOT NULL, epoch_complete INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,"
          + " ref BLOB NOT NULL, PRIMARY KEY (job_id, id))");
      s.execute("PRAGMA application_id = " + SqliteSchema.APPLICATION_ID);
      s.execute("PRAGMA user_version = 1");
      try (var p = c.prepareStatement("INSERT INTO jobs VALUES (?, ?, ?, ?, ?)")) {
        p.setString(1, old.getId());
        p.setLong(2, 100);
        p.setString(3, "SUCCEEDED");
        p.setLong(4, 100);
        p.setBytes(5, old.toByteArray());
        p.executeUpdate();
      }
    }

    store = SqliteJobStore.open(v1);

    assertThat(store.get(old.getId())).contains(old);
    assertThat(store.page(java.util.List.of(), "", null, 10)).containsExactly(old);
    store.put(job("new-000001", 200, JobState.JOB_STATE_QUEUED).toBuilder().setTenant("team-a").build());
    store.audit(new AuditRecord(1, AuditRecord.Action.SUBMIT, "new-000001", "team-a", "alice", "h:1", ""));
    assertThat(store.page(java.util.List.of(), "team-a", null, 10)).extracting(Job::getId)
        .containsExactly("new-000001");
    assertThat(store.auditTrail("new-000001")).hasSize(1);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v1);
        Statement s = c.createStatement(); var r = s.executeQuery("PRAGMA user_version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(SqliteSchema.CURRENT_VERSION);
    }
    store = SqliteJobStore.open(v1); // a migrated file opens again as it is
    assertThat(store.auditTrail("new-000001")).hasSize(1);
  }

  @Test
  void aVersion2StoreGetsTheRefusalColumnsAndKeepsItsAuditRecords() throws Exception {
    store.audit(new AuditRecord(1, AuditRecord.Action.SUBMIT, "a-000001", "team-a", "alice", "h:1", "name"));
    store.close();
    Path file = file();
    // make the file what version 2 wrote: no method or reason, no audit indexes of version 3
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("DROP INDEX audit_by_tenant");
      s.execute("DROP INDEX audit_by_time");
      s.execute("ALTER TABLE audit DROP COLUMN method");
      s.execute("ALTER TABLE audit DROP COLUMN reason");
      s.execute("PRAGMA user_version = 2");
    }

    store = SqliteJobStore.open(file);

    assertThat(store.auditTrail("a-000001")).containsExactly(
        new AuditRecord(1, AuditRecord.Action.SUBMIT, "a-000001", "team-a", "alice", "h:1", "name"));
    AuditRecord refused = new AuditRecord(2, AuditRecord.Action.REFUSE, "", "", "", "h:2", "", "JobService.GetJob",
        AuditRecord.Reason.NO_TOKEN);
    store.audit(refused);
    assertThat(store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 10)).extracting(AuditEntry::record)
        .first().isEqualTo(refused);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement(); var r = s.executeQuery("PRAGMA user_version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(3);
    }
    store = SqliteJobStore.open(file);
  }

  @Test
  void fileFromANewerSchemaIsRefused() throws Exception {
    store.put(job("a", 1, JobState.JOB_STATE_RUNNING));
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
    }

    assertThatThrownBy(() -> SqliteJobStore.open(file()))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.NEWER_SCHEMA))
        .hasMessageContaining("schema version " + (SqliteSchema.CURRENT_VERSION + 1))
        .hasMessageContaining("newer Ringmaster");
  }

  @Test
  void directoryInPlaceOfTheFileIsReported() throws Exception {
    Path d = dir.resolve("dir.db");
    Files.createDirectories(d);
    assertThatThrownBy(() -> SqliteJobStore.open(d))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.IO))
        .hasMessageContaining("is a directory");
  }

  @Test
  void usingAClosedStoreFailsClearly() {
    store.close();
    assertThatThrownBy(() -> store.get("a"))
        .isInstanceOfSatisfying(JobStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.CLOSED))
        .hasMessageContaining("is closed");
  }

  @Test
  void pragmasAreDurableOnes() throws Exception {
    store.close();
    try (SqliteJobStore s = SqliteJobStore.open(file())) {
      assertThat(s.path()).isEqualTo(file().toAbsolutePath());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        var r = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("wal");
    }
  }
}
