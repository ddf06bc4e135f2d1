package io.ringmaster.job.transfer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The last step of every durable write: rename a complete, fsynced temporary file into place. */
public final class AtomicFiles {
  /** Suffix of temporary files; a crash may leave some behind, which are never read as data. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** A new temporary file next to {@code target}. */
  public static Path tempFor(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
  }

  /** fsyncs {@code tmp}, renames it over {@code target} atomically and fsyncs the directory. */
  public static void commit(Path tmp, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
