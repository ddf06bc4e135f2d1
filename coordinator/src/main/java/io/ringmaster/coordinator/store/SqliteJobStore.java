package io.ringmaster.coordinator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.sqlite.SQLiteConfig;

/**
 * A durable {@link JobStore}: one SQLite file (by convention {@code <dataDir>/ringmaster.db}) holding
 * each job as its proto {@code Job} bytes next to a few indexed columns (id, created time, state), and
 * the jobs' checkpoint references.
 *
 * <p>Durability: the connection runs in WAL mode with {@code synchronous=FULL} and auto-commit, so every
 * method that writes commits one transaction and fsyncs the write-ahead log before it returns. A write
 * that returned has therefore reached the file (it survives a kill -9 of the coordinator, whose page
 * cache the kernel keeps) and the disk (it survives an OS crash or power loss).
 *
 * <p>Exclusivity: the file is opened with {@code locking_mode=EXCLUSIVE} and its lock is taken when the
 * store opens, so a second coordinator on the same data directory fails to start with a clear
 * {@link JobStoreException.Kind#LOCKED} error instead of both writing the same jobs. The lock is released
 * by {@link #close()} or when the process dies.
 *
 * <p>Thread-safe: one connection, used under this object's monitor (writes are small and rare).
 */
public final class SqliteJobStore implements JobStore {
  /** The store's file name inside a coordinator data directory. */
  public static final String FILE_NAME = "ringmaster.db";
  /** How long {@link #open(Path)} waits for another process to release the file. */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);

  private final Path file;
  private final LongSupplier wallClock;
  private Connection connection;

  private SqliteJobStore(Path file, Connection connection, LongSupplier wallClock) {
    this.file = file;
    this.connection = connection;
    this.wallClock = wallClock;
  }

  /** Opens (creating if needed) the store in {@code dataDir}/{@value #FILE_NAME}. */
  public static SqliteJobStore openIn(Path dataDir) {
    return open(dataDir.resolve(FILE_NAME));
  }

  /** Opens (creating if needed) the store file, waiting {@link #DEFAULT_LOCK_WAIT} for a lock. */
  public static SqliteJobStore open(Path file) {
    return open(file, DEFAULT_LOCK_WAIT);
  }

  /**
   * Opens (creating if needed) the store file, creating its directory if needed.
   *
   * @param lockWait how long to wait for another process to release the file
   * @throws JobStoreException when the file is locked, damaged, of another application or a newer
   *     schema, or cannot be created
   */
  public static SqliteJobStore open(Path file, Duration lockWait) {
    Path path = file.toAbsolutePath().normalize();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw new JobStoreException(JobStoreException.Kind.IO, path, "cannot create the directory of job store "
          + path + " (" + e + "): check the data directory path and its permissions", e);
    }
    if (Files.isDirectory(path)) {
      throw new JobStoreException(JobStoreException.Kind.IO, path, "job store " + path
          + " is a directory, not a file: remove it or choose another data directory", null);
    }
    Connection c = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, lockWait.toMillis()));
      c = config.createConnection("jdbc:sqlite:" + path);
      try (Statement s = c.createStatement()) {
        // EXCLUSIVE before the first WAL access: no shared-memory index, one process at a time.
        s.execute("PRAGMA locking_mode = EXCLUSIVE");
        try (ResultSet r = s.executeQuery("PRAGMA journal_mode = WAL")) {
          String mode = r.next() ? r.getString(1) : "?";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw new JobStoreException(JobStoreException.Kind.IO, path, "job store " + path
                + " cannot use write-ahead logging (journal mode is '" + mode + "'): put the data directory "
                + "on a local file system", null);
          }
        }
        s.execute("PRAGMA synchronous = FULL");
      }
      List<String> problems = SqliteSchema.quickCheck(c);
      if (!problems.isEmpty()) {
        throw SqliteErrors.corrupt(path, "SQLite integrity check: "
            + String.join("; ", problems).replace('\n', ' '), null);
      }
      SqliteSchema.prepare(c, path);
      return new SqliteJobStore(path, c, System::currentTimeMillis);
    } catch (SQLException e) {
      closeQuietly(c);
      throw SqliteErrors.wrap(path, "open", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** The store's file. The {@code state} column holds {@link io.ringmaster.job.JobState#shortName}s. */
  public Path path() {
    return file;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public synchronized void put(Job job) {
    String id = JobStoreArgs.jobId(job);
    try (PreparedStatement p = open().prepareStatement("""
        INSERT INTO jobs (id, created_at_ms, state, updated_at_ms, job, tenant) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET created_at_ms = excluded.created_at_ms, state = excluded.state,
          updated_at_ms = excluded.updated_at_ms, job = excluded.job, tenant = excluded.tenant""")) {
      p.setString(1, id);
      p.setLong(2, job.getCreatedAtMs());
      p.setString(3, io.ringmaster.job.JobState.shortName(job.getState()));
      p.setLong(4, wallClock.getAsLong());
      p.setBytes(5, job.toByteArray());
      p.setString(6, job.getTenant());
      p.executeUpdate();
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "save job " + id, e);
    }
  }

  @Override
  public synchronized Optional<Job> get(String id) {
    try (PreparedStatement p = open().prepareStatement("SELECT id, job FROM jobs WHERE id = ?")) {
      p.setString(1, id);
      List<Job> jobs = readJobs(p);
      return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "read job " + id, e);
    }
  }

  @Override
  public synchronized List<Job> list() {
    try (PreparedStatement p = open().prepareStatement(
        "SELECT id, job FROM jobs ORDER BY created_at_ms DESC, id ASC")) {
      return readJobs(p);
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "list jobs", e);
    }
  }

  @Override
  public synchronized List<Job> listInState(Collection<JobState> states) {
    if (states.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(states.size(), "?"));
    try (PreparedStatement p = open().prepareStatement("SELECT id, job FROM jobs WHERE state IN (" + marks
        + ") ORDER BY created_at_ms DESC, id ASC")) {
      int i = 1;
      for (JobState s : states) {
        p.setString(i++, io.ringmaster.job.JobState.shortName(s));
      }
      return readJobs(p);
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "list jobs in states " + states, e);
    }
  }

  /**
   * One page through the {@code jobs_by_created} index (or {@code jobs_by_state} when filtering): the
   * cursor's condition is a range on (created_at_ms DESC, id), so SQLite seeks to it instead of skipping
   * rows.
   */
  @Override
  public synchronized List<Job> page(Collection<JobState> states, JobCursor after, int limit) {
    return page(states, null, after, limit);
  }

  @Override
  public synchronized List<Job> page(Collection<JobState> states, String tenant, JobCursor after, int limit) {
    JobStoreArgs.checkLimit(limit);
    StringBuilder sql = new StringBuilder("SELECT id, job FROM jobs WHERE 1 = 1");
    if (tenant != null) {
      sql.append(" AND tenant = ?");
    }
    if (!states.isEmpty()) {
      sql.append(" AND state IN (").append(String.join(", ", java.util.Collections.nCopies(states.size(), "?")))
          .append(')');
    }
    if (after != null) {
      sql.append(" AND (created_at_ms < ? OR (created_at_ms = ? AND id > ?))");
    }
    sql.append(" ORDER BY created_at_ms DESC, id ASC LIMIT ?");
    try (PreparedStatement p = open().prepareStatement(sql.toString())) {
      int i = 1;
      if (tenant != null) {
        p.setString(i++, tenant);
      }
      for (JobState s : states) {
        p.setString(i++, io.ringmaster.job.JobState.shortName(s));
      }
      if (after != null) {
        p.setLong(i++, after.createdAtMs());
        p.setLong(i++, after.createdAtMs());
        p.setString(i++, after.id());
      }
      p.setInt(i, limit);
      return readJobs(p);
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "list a page of jobs after " + after, e);
    }
  }

  /** Deletes the job's row and its checkpoint references in one transaction. */
  @Override
  public synchronized boolean delete(String id) {
    Connection c = open();
    try {
      c.setAutoCommit(false);
      boolean existed;
      try (PreparedStatement refs = c.prepareStatement("DELETE FROM checkpoints WHERE job_id = ?");
          PreparedStatement job = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
        refs.setString(1, id);
        refs.executeUpdate();
        job.setString(1, id);
        existed = job.executeUpdate() > 0;
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return existed;
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "delete job " + id, e);
    }
  }

  @Override
  public synchronized void audit(AuditRecord r) {
    try (PreparedStatement p = open().prepareStatement("INSERT INTO audit (time_ms, action, job_id, tenant,"
        + " principal, peer, detail, method, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setLong(1, r.timeMs());
      p.setString(2, r.action().name());
      p.setString(3, r.jobId());
      p.setString(4, r.tenant());
      p.setString(5, r.principal());
      p.setString(6, r.peer());
      p.setString(7, r.detail());
      p.setString(8, r.method());
      p.setString(9, r.reason().name());
      p.executeUpdate();
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "record the audit of " + r.action() + " job " + r.jobId(), e);
    }
  }

  private static final String AUDIT_COLUMNS = "seq, time_ms, action, job_id, tenant, principal, peer, detail,"
      + " method, reason";

  private static AuditEntry auditEntry(ResultSet r) throws SQLException {
    return new AuditEntry(r.getLong(1), new AuditRecord(r.getLong(2), AuditRecord.Action.valueOf(r.getString(3)),
        r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9),
        AuditRecord.Reason.valueOf(r.getString(10))));
  }

  @Override
  public synchronized List<AuditRecord> auditTrail(String jobId) {
    List<AuditRecord> out = new ArrayList<>();
    try (PreparedStatement p = open().prepareStatement("SELECT " + AUDIT_COLUMNS
        + " FROM audit WHERE job_id = ? ORDER BY seq")) {
      p.setString(1, jobId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(auditEntry(r).record());
        }
      }
    } catch (SQLException | IllegalArgumentException e) {
      throw SqliteErrors.wrap(file, "read the audit trail of job " + jobId,
          e instanceof SQLException s ? s : new SQLException(e));
    }
    return out;
  }

  /**
   * Newest first by seq. The time filter becomes a lower bound on seq (the first record at or after it, found
   * through audit_by_time), so that a page of recent records never walks the older ones; the tenant filter
   * reads audit_by_tenant.
   */
  @Override
  public synchronized List<AuditEntry> auditPage(AuditQuery query, long beforeSeq, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + AUDIT_COLUMNS + " FROM audit WHERE seq < ?");
    List<Object> args = new ArrayList<>(List.of(beforeSeq));
    if (query.tenant() != null) {
      sql.append(" AND tenant = ?");
      args.add(query.tenant());
    }
    if (query.sinceMs() > 0) {
      sql.append(" AND time_ms >= ? AND seq >= (SELECT COALESCE(MIN(seq), 0) FROM audit WHERE time_ms >= ?)");
      args.add(query.sinceMs());
      args.add(query.sinceMs());
    }
    if (!query.actions().isEmpty()) {
      sql.append(" AND action IN (").append(String.join(", ", java.util.Collections.nCopies(query.actions().size(),
          "?"))).append(')');
      query.actions().stream().map(Enum::name).sorted().forEach(args::add);
    }
    if (query.jobId() != null) {
      sql.append(" AND job_id = ?");
      args.add(query.jobId());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add(limit);
    List<AuditEntry> out = new ArrayList<>();
    try (PreparedStatement p = open().prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(auditEntry(r));
        }
      }
    } catch (SQLException | IllegalArgumentException e) {
      throw SqliteErrors.wrap(file, "list the audit trail", e instanceof SQLException s ? s : new SQLException(e));
    }
    return out;
  }

  @Override
  public synchronized int deleteAuditBefore(long timeMs) {
    try (PreparedStatement p = open().prepareStatement("DELETE FROM audit WHERE time_ms < ?")) {
      p.setLong(1, timeMs);
      return p.executeUpdate();
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "delete audit records older than " + timeMs + " ms", e);
    }
  }

  @Override
  public synchronized void addCheckpoint(CheckpointRef ref) {
    JobStoreArgs.check(ref);
    try (PreparedStatement p = open().prepareStatement("""
        INSERT INTO checkpoints (job_id, id, epoch, step, epoch_complete, created_at_ms, ref)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (job_id, id) DO UPDATE SET epoch = excluded.epoch, step = excluded.step,
          epoch_complete = excluded.epoch_complete, created_at_ms = excluded.created_at_ms,
          ref = excluded.ref""")) {
      p.setString(1, ref.getJobId());
      p.setString(2, ref.getId());
      p.setInt(3, ref.getEpoch());
      p.setLong(4, ref.getStep());
      p.setInt(5, ref.getEpochComplete() ? 1 : 0);
      p.setLong(6, ref.getCreatedAtMs());
      p.setBytes(7, ref.toByteArray());
      p.executeUpdate();
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "record checkpoint " + ref.getId() + " of job " + ref.getJobId(), e);
    }
  }

  @Override
  public synchronized List<CheckpointRef> checkpoints(String jobId) {
    List<CheckpointRef> refs = new ArrayList<>();
    try (PreparedStatement p = open().prepareStatement("SELECT id, ref FROM checkpoints WHERE job_id = ?")) {
      p.setString(1, jobId);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          try {
            refs.add(CheckpointRef.parseFrom(r.getBytes(2)));
          } catch (InvalidProtocolBufferException e) {
            throw SqliteErrors.corrupt(file, "the stored reference of checkpoint " + r.getString(1) + " of job "
                + jobId + " cannot be parsed: " + e.getMessage(), e);
          }
        }
      }
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "list checkpoints of job " + jobId, e);
    }
    refs.sort(CheckpointRefs.NEWEST_FIRST);
    return refs;
  }

  @Override
  public synchronized boolean removeCheckpoint(String jobId, String checkpointId) {
    try (PreparedStatement p = open().prepareStatement("DELETE FROM checkpoints WHERE job_id = ? AND id = ?")) {
      p.setString(1, jobId);
      p.setString(2, checkpointId);
      return p.executeUpdate() > 0;
    } catch (SQLException e) {
      throw SqliteErrors.wrap(file, "remove checkpoint " + checkpointId + " of job " + jobId, e);
    }
  }

  /** Closes the file and releases its lock. Further calls fail with {@link JobStoreException.Kind#CLOSED}. */
  @Override
  public synchronized void close() {
    if (connection != null) {
      Connection c = connection;
      connection = null;
      try {
        c.close();
      } catch (SQLException e) {
        throw SqliteErrors.wrap(file, "close", e);
      }
    }
  }

  private Connection open() {
    if (connection == null) {
      throw new JobStoreException(JobStoreException.Kind.CLOSED, file, "job store " + file
          + " is closed: it was used after the coordinator shut it down", null);
    }
    return connection;
  }

  private List<Job> readJobs(PreparedStatement p) throws SQLException {
    List<Job> jobs = new ArrayList<>();
    try (ResultSet r = p.executeQuery()) {
      while (r.next()) {
        try {
          jobs.add(Job.parseFrom(r.getBytes(2)));
        } catch (InvalidProtocolBufferException e) {
          throw SqliteErrors.corrupt(file, "the stored bytes of job " + r.getString(1) + " cannot be parsed: "
              + e.getMessage(), e);
        }
      }
    }
    return jobs;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the open failure is what the caller needs to see
      }
    }
  }
}
