package io.ringmaster.job.transfer;

import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.FileHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.function.LongConsumer;

/**
 * Receives a file stream (header, then data) into {@code target}: the bytes go to a temporary file next to
 * it, hashed as they arrive; only when the size and SHA-256 match the header (and the hash the caller
 * expects, if any) is the file fsynced and renamed into place. Otherwise the temporary file is deleted and
 * {@link CorruptTransferException} says what differed; {@code target} is untouched.
 */
public final class FileReceiver {
  private FileReceiver() {}

  /**
   * @param chunks a blocking server stream (gRPC's blocking stub iterator)
   * @param expectedSha256 the hash the caller asked for, or null to trust the header's
   * @param progress told the bytes received so far after every chunk
   * @return the header of the stored file
   * @throws CorruptTransferException size or hash mismatch, or a malformed stream
   */
  public static FileHeader receive(Iterator<FileChunk> chunks, Path target, String expectedSha256,
      LongConsumer progress) throws IOException {
    if (!chunks.hasNext()) {
      throw new CorruptTransferException("the stream ended before its header");
    }
    FileChunk first = chunks.next();
    if (!first.hasHeader()) {
      throw new CorruptTransferException("the stream did not start with a header");
    }
    FileHeader h = first.getHeader();
    if (expectedSha256 != null && !expectedSha256.equals(h.getSha256())) {
      throw new CorruptTransferException("asked for SHA-256 " + expectedSha256 + " but the sender announces "
          + h.getSha256());
    }
    Path tmp = AtomicFiles.tempFor(target);
    boolean done = false;
    try {
      MessageDigest sha = Sha256.digest();
      long n = 0;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        while (chunks.hasNext()) {
          FileChunk c = chunks.next();
          if (!c.hasData() || c.getData().size() > FileChunks.CHUNK_BYTES) {
            throw new CorruptTransferException("malformed stream: a message after the header is not a data chunk"
                + " of at most " + FileChunks.CHUNK_BYTES + " bytes");
          }
          n += c.getData().size();
          if (n > h.getSizeBytes()) {
            throw new CorruptTransferException("received more than the " + h.getSizeBytes() + " bytes announced");
          }
          byte[] b = c.getData().toByteArray();
          sha.update(b);
          out.write(b);
          progress.accept(n);
        }
      }
      if (n != h.getSizeBytes()) {
        throw new CorruptTransferException("received " + n + " bytes but " + h.getSizeBytes() + " were announced");
      }
      String actual = Sha256.hex(sha);
      if (!actual.equals(h.getSha256())) {
        throw new CorruptTransferException("the received bytes have SHA-256 " + actual + " but " + h.getSha256()
            + " was announced: they were corrupted on the way or at the source");
      }
      AtomicFiles.commit(tmp, target);
      done = true;
      return h;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
