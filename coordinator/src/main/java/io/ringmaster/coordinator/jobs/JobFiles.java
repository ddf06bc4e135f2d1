package io.ringmaster.coordinator.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A job's directory under the coordinator's jobs directory ({@code <jobsDir>/<id>}). */
final class JobFiles {
  private JobFiles() {}

  /**
   * Removes {@code <jobsDir>/<id>} and everything in it (logs, model, checkpoints); nothing when it does
   * not exist. The path is derived from the id, never taken from the stored job, and must stay inside
   * {@code jobsDir}; symbolic links are removed, not followed.
   */
  static void deleteDirectory(Path jobsDir, String id) {
    Path root = jobsDir.toAbsolutePath().normalize();
    Path dir = root.resolve(id).normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException("job id '" + id + "' does not name a directory directly inside " + root);
    }
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("job " + id + " was deleted from the store but its directory " + dir
          + " could not be removed completely (" + e + "): remove it by hand", e);
    }
  }
}
