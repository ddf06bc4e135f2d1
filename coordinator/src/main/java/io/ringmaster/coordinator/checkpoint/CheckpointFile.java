package io.ringmaster.coordinator.checkpoint;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ringmaster.proto.v1.Checkpoint;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The on-disk format of one {@link Checkpoint}, written atomically and durably, read with verification.
 *
 * <pre>
 * offset 0   8 bytes  magic "RMCK\r\n\032\n" (catches text-mode transfers and non-checkpoint files)
 * offset 8   int32    format version, big-endian ({@value #FORMAT_VERSION})
 * offset 12  int64    payload length N, big-endian
 * offset 20  N bytes  payload: the Checkpoint message (deterministic proto serialization)
 * offset 20+N 32 bytes SHA-256 of the payload
 * </pre>
 */
public final class CheckpointFile {
  /** Format version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** File name suffix of checkpoint files. */
  public static final String SUFFIX = ".ckpt";
  /** Suffix of the temporary files {@link #write} renames into place. */
  public static final String TEMP_SUFFIX = ".tmp";

  static final byte[] MAGIC = {'R', 'M', 'C', 'K', '\r', '\n', 0x1a, '\n'};
  private static final int HEADER_BYTES = 20;
  private static final int DIGEST_BYTES = 32;

  private CheckpointFile() {}

  /**
   * Writes {@code checkpoint} to {@code target} so that readers see either the old file or the whole
   * new one, and the new one survives a crash once this returns: the bytes go to a temporary file in the
   * same directory, which is fsynced, renamed over the target (atomic move), and the directory is fsynced.
   * The temporary file is removed if anything fails.
   */
  public static CheckpointFileInfo write(Path target, Checkpoint checkpoint) throws IOException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", TEMP_SUFFIX);
    boolean moved = false;
    try {
      byte[] digest;
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        DataOutputStream out = new DataOutputStream(raw);
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeLong(checkpoint.getSerializedSize());
        MessageDigest sha = sha256();
        CodedOutputStream payload = CodedOutputStream.newInstance(new DigestOutputStream(out, sha), 1 << 16);
        payload.useDeterministicSerialization();
        checkpoint.writeTo(payload);
        payload.flush();
        digest = sha.digest();
        out.write(digest);
        out.flush();
        channel.force(true);
      }
      long size = Files.size(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      syncDirectory(dir);
      return new CheckpointFileInfo(HexFormat.of().formatHex(digest), size);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Reads and verifies a checkpoint file.
   *
   * @throws CorruptCheckpointException when magic, version, length or checksum is wrong
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  public static Checkpoint read(Path file) throws IOException {
    return readVerified(file).checkpoint();
  }

  /** A verified checkpoint and the SHA-256 (hex) of its payload. */
  record Verified(Checkpoint checkpoint, String sha256, long sizeBytes) {}

  static Verified readVerified(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int n = bytes.length;
    if (n < MAGIC.length) {
      boolean prefix = Arrays.equals(bytes, 0, n, MAGIC, 0, n);
      throw new CorruptCheckpointException(prefix ? CorruptCheckpointException.Reason.TRUNCATED
          : CorruptCheckpointException.Reason.BAD_MAGIC, file, "only " + n + " bytes");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.BAD_MAGIC, file,
          "it does not start with the checkpoint magic bytes, so it is not a Ringmaster checkpoint file");
    }
    if (n < HEADER_BYTES) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.TRUNCATED, file,
          "the file ends inside its " + HEADER_BYTES + "-byte header (" + n + " bytes)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
    int version = header.getInt(MAGIC.length);
    if (version != FORMAT_VERSION) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.UNSUPPORTED_VERSION, file,
          "format version " + version + ", this Ringmaster reads version " + FORMAT_VERSION
              + " (was it written by another Ringmaster version?)");
    }
    long length = header.getLong(MAGIC.length + 4);
    long expected = HEADER_BYTES + length + DIGEST_BYTES;
    if (length < 0 || n < expected) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.TRUNCATED, file,
          "the header announces a " + length + "-byte payload, so " + expected + " bytes, but the file has " + n);
    }
    if (n > expected) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.LENGTH_MISMATCH, file,
          "the header announces " + expected + " bytes but the file has " + n);
    }
    int len = (int) length;
    MessageDigest sha = sha256();
    sha.update(bytes, HEADER_BYTES, len);
    byte[] actual = sha.digest();
    if (!Arrays.equals(actual, 0, DIGEST_BYTES, bytes, HEADER_BYTES + len, n)) {
      HexFormat hex = HexFormat.of();
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.CHECKSUM_MISMATCH, file,
          "the payload's SHA-256 is " + hex.formatHex(actual) + " but the file records "
              + hex.formatHex(bytes, HEADER_BYTES + len, n));
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes, HEADER_BYTES, len);
      in.enableAliasing(true); // params and updater_state share the array read above: no second copy
      Checkpoint checkpoint = Checkpoint.parseFrom(in);
      return new Verified(checkpoint, HexFormat.of().formatHex(actual), n);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.UNPARSEABLE, file,
          "the checksum matches but the payload is not a Checkpoint message (" + e.getMessage() + ")");
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256, which every Java SE runtime must provide", e);
    }
  }
}
