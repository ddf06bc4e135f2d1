package io.ringmaster.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The job store's tables and their version. The file is marked with {@code PRAGMA application_id}
 * ({@link #APPLICATION_ID}, "RMJS") and versioned with {@code PRAGMA user_version}: a file from a newer
 * Ringmaster is refused instead of being misread, a file of another application is refused as well.
 */
final class SqliteSchema {
  /** "RMJS" in ASCII. */
  static final int APPLICATION_ID = 0x524d4a53;
  /** The schema this code writes and reads. */
  static final int CURRENT_VERSION = 3;

  private static final List<String> V1 = List.of(
      """
      CREATE TABLE jobs (
        id            TEXT    PRIMARY KEY,
        created_at_ms INTEGER NOT NULL,
        state         TEXT    NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        job           BLOB    NOT NULL
      )""",
      "CREATE INDEX jobs_by_created ON jobs (created_at_ms DESC, id)",
      "CREATE INDEX jobs_by_state ON jobs (state, created_at_ms DESC)",
      """
      CREATE TABLE checkpoints (
        job_id         TEXT    NOT NULL,
        id             TEXT    NOT NULL,
        epoch          INTEGER NOT NULL,
        step           INTEGER NOT NULL,
        epoch_complete INTEGER NOT NULL,
        created_at_ms  INTEGER NOT NULL,
        ref            BLOB    NOT NULL,
        PRIMARY KEY (job_id, id)
      )""");

  /**
   * Version 2: each job's tenant as an indexed column (listings of one tenant), and the audit trail.
   * Jobs stored before it get the empty tenant, as their {@code Job.tenant} is empty too.
   */
  private static final List<String> V2 = List.of(
      "ALTER TABLE jobs ADD COLUMN tenant TEXT NOT NULL DEFAULT ''",
      "CREATE INDEX jobs_by_tenant ON jobs (tenant, created_at_ms DESC, id)",
      """
      CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms   INTEGER NOT NULL,
        action    TEXT    NOT NULL,
        job_id    TEXT    NOT NULL,
        tenant    TEXT    NOT NULL,
        principal TEXT    NOT NULL,
        peer      TEXT    NOT NULL,
        detail    TEXT    NOT NULL
      )""",
      "CREATE INDEX audit_by_job ON audit (job_id, seq)");

  /**
   * Version 3: refused calls in the audit trail (the method and why it was refused), and the indexes that
   * ListAuditEvents (by tenant, newest first; since a time) and retention (older than a time) read.
   * Records stored before it get an empty method and the reason NONE.
   */
  private static final List<String> V3 = List.of(
      "ALTER TABLE audit ADD COLUMN method TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE audit ADD COLUMN reason TEXT NOT NULL DEFAULT 'NONE'",
      "CREATE INDEX audit_by_tenant ON audit (tenant, seq)",
      "CREATE INDEX audit_by_time ON audit (time_ms)");

  private SqliteSchema() {}

  /**
   * Creates the tables in an empty file, or checks that an existing file is a job store this code can
   * read. Runs in one write transaction.
   */
  static void prepare(Connection c, Path file) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        int appId = intPragma(s, "application_id");
        int version = intPragma(s, "user_version");
        if (appId == 0 && version == 0 && tables(s).isEmpty()) {
          for (String ddl : V1) {
            s.execute(ddl);
          }
          for (String ddl : V2) {
            s.execute(ddl);
          }
          for (String ddl : V3) {
            s.execute(ddl);
          }
          s.execute("PRAGMA application_id = " + APPLICATION_ID);
          s.execute("PRAGMA user_version = " + CURRENT_VERSION);
        } else if (appId != APPLICATION_ID) {
          throw SqliteErrors.corrupt(file, "it is an SQLite database of another application (application_id "
              + appId + ", tables " + tables(s) + ")", null);
        } else if (version > CURRENT_VERSION) {
          throw new JobStoreException(JobStoreException.Kind.NEWER_SCHEMA, file, "job store " + file
              + " has schema version " + version + " but this Ringmaster reads versions up to "
              + CURRENT_VERSION + ": it was written by a newer Ringmaster. Run that version, or start this "
              + "one with a different data directory", null);
        } else if (version < 1) {
          throw SqliteErrors.corrupt(file, "schema version " + version + " is not valid", null);
        }
        if (version == 1) {
          // migrated in place, in this transaction: the file is at one version or the next, never between
          for (String ddl : V2) {
            s.execute(ddl);
          }
          s.execute("PRAGMA user_version = 2");
          version = 2;
        }
        if (version == 2) {
          for (String ddl : V3) {
            s.execute(ddl);
          }
          s.execute("PRAGMA user_version = 3");
        }
        s.execute("COMMIT");
        done = true;
      } finally {
        if (!done) {
          rollbackQuietly(s);
        }
      }
    }
  }

  private static void rollbackQuietly(Statement s) {
    try {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      // no transaction left to roll back: the original failure is what matters
    }
  }

  /** Runs SQLite's structural check; returns its complaints (empty when the file is sound). */
  static List<String> quickCheck(Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA quick_check(5)")) {
      while (r.next()) {
        String line = r.getString(1);
        if (!"ok".equals(line)) {
          problems.add(line);
        }
      }
    }
    return problems;
  }

  private static int intPragma(Statement s, String name) throws SQLException {
    try (ResultSet r = s.executeQuery("PRAGMA " + name)) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  private static List<String> tables(Statement s) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }
}
