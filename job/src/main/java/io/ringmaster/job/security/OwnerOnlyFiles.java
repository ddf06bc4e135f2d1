package io.ringmaster.job.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files replaced atomically, secrets readable by their owner only from the moment they exist. */
public final class OwnerOnlyFiles {
  private OwnerOnlyFiles() {}

  /**
   * Writes {@code text} to a temporary file in the same directory (created with mode 0600 when {@code
   * secret}, so a key is never readable by others, even briefly) and renames it over {@code file}: a process
   * that reloads the file never reads half of it.
   */
  public static void writeAtomically(Path file, String text, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      if (secret && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is writing " + file + " (" + tmp + " exists)", e);
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
