package io.ringmaster.coordinator.checkpoint;

import io.ringmaster.proto.v1.DataFileHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of data files, streamed (never the whole file in memory) and cached by (path, size,
 * modification time, file key), so a coordinator hashes each version of a data file once. Thread-safe.
 */
public final class FileDigests {
  private record Stamp(long size, long mtimeNanos, Object fileKey) {}

  private record Entry(Stamp stamp, DataFileHash hash) {}

  private final ConcurrentHashMap<Path, Entry> cache = new ConcurrentHashMap<>();
  private final AtomicLong hashed = new AtomicLong();

  /**
   * The file's absolute path, SHA-256 (hex) and size.
   *
   * @throws IOException when the file cannot be read
   */
  public DataFileHash digest(Path file) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    Stamp before = stamp(path);
    Entry cached = cache.get(path);
    if (cached != null && cached.stamp().equals(before)) {
      return cached.hash();
    }
    MessageDigest sha = CheckpointFile.sha256();
    byte[] buf = new byte[1 << 16];
    long size = 0;
    try (InputStream in = Files.newInputStream(path)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        size += n;
      }
    }
    hashed.incrementAndGet();
    DataFileHash hash = DataFileHash.newBuilder().setPath(path.toString())
        .setSha256(HexFormat.of().formatHex(sha.digest())).setSizeBytes(size).build();
    if (stamp(path).equals(before) && size == before.size()) {
      cache.put(path, new Entry(before, hash)); // not cached if the file changed while being read
    }
    return hash;
  }

  /** Number of times a file was actually read and hashed (cache misses). */
  public long filesHashed() {
    return hashed.get();
  }

  private static Stamp stamp(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
        Objects.requireNonNullElse(a.fileKey(), "none"));
  }
}
