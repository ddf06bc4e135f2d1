package io.ringmaster.coordinator.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns SQLite failures into {@link JobStoreException}s that say what to do. */
final class SqliteErrors {
  private SqliteErrors() {}

  /**
   * @param action what the store was doing, e.g. "open", "save job fashion-3f9a1c"
   */
  static JobStoreException wrap(Path file, String action, SQLException e) {
    int primary = primaryCode(e);
    String detail = e.getMessage();
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return new JobStoreException(JobStoreException.Kind.LOCKED, file, "job store " + file
          + " is locked by another process (cannot " + action + "): is another coordinator using the same "
          + "data directory? Stop it, or start this coordinator with a different data directory", e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return corrupt(file, "cannot " + action + ": " + detail, e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CANTOPEN.code || primary == SQLiteErrorCode.SQLITE_PERM.code
        || primary == SQLiteErrorCode.SQLITE_READONLY.code) {
      return new JobStoreException(JobStoreException.Kind.IO, file, "cannot " + action + " job store " + file
          + " (" + detail + "): check that its directory exists and that this user may read and write it", e);
    }
    if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
      return new JobStoreException(JobStoreException.Kind.IO, file, "cannot " + action + " job store " + file
          + ": the disk is full; free some space (old job directories hold models and checkpoints)", e);
    }
    return new JobStoreException(JobStoreException.Kind.IO, file, "cannot " + action + " job store " + file
        + ": " + detail, e);
  }

  static JobStoreException corrupt(Path file, String what, Throwable cause) {
    return new JobStoreException(JobStoreException.Kind.CORRUPT, file, "job store " + file
        + " is damaged or is not a Ringmaster job store (" + what + "): stop the coordinator, move the file "
        + "aside (with its -wal file, if any) and restart it to begin with an empty store, or restore a backup",
        cause);
  }

  private static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException s) {
      return s.getResultCode().code & 0xff;
    }
    return e.getErrorCode() & 0xff;
  }
}
