package io.ringmaster.coordinator.datasets;

import io.ringmaster.proto.v1.StartUploadRequest;
import io.ringmaster.proto.v1.UploadStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unfinished uploads of a {@link DatasetStore}, in {@code uploads/}: for each, {@code <id>.upload}
 * (what it announced), {@code <id>.tenant} (the tenant that opened it, who alone may see, resume or
 * finish it; absent for uploads opened before tenants existed: no tenant) and {@code <id>.part} (the
 * bytes so far, written at their offset). Survives a
 * restart: reopened uploads resume at the bytes their part file holds. Thread-safe; an {@link Upload}'s
 * fields change under its own lock.
 */
final class UploadArea {
  private static final Logger log = LoggerFactory.getLogger(UploadArea.class);

  private final Path dir;
  private final Map<String, Upload> open = new ConcurrentHashMap<>();

  /**
   * An unfinished upload. Fields change under the object's own lock; they are volatile because {@link
   * #find} reads them without it (lock order in the store: an upload, then the catalogue).
   */
  static final class Upload {
    final String id;
    /** The tenant that opened the upload ("" for none). */
    final String tenant;
    final StartUploadRequest announced;
    final Path part;
    volatile long offset;
    volatile long touchedMs;
    volatile boolean gone;

    Upload(String id, String tenant, StartUploadRequest announced, Path part, long offset, long touchedMs) {
      this.id = id;
      this.tenant = tenant;
      this.announced = announced;
      this.part = part;
      this.offset = offset;
      this.touchedMs = touchedMs;
    }

    UploadStatus status() {
      return UploadStatus.newBuilder().setUploadId(id).setOffset(offset).setSizeBytes(announced.getSizeBytes())
          .build();
    }
  }

  /** Opens {@code dir}, reopening the uploads found there as touched at {@code nowMs}. */
  UploadArea(Path dir, long nowMs) throws IOException {
    this.dir = Files.createDirectories(dir);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (!f.endsWith(".upload")) {
          continue;
        }
        String id = f.substring(0, f.length() - ".upload".length());
        Path part = dir.resolve(id + ".part");
        if (!Files.exists(part)) {
          Files.deleteIfExists(p);
          continue;
        }
        StartUploadRequest a = StartUploadRequest.parseFrom(Files.readAllBytes(p));
        Path tenantFile = dir.resolve(id + ".tenant");
        String tenant = Files.exists(tenantFile) ? Files.readString(tenantFile, StandardCharsets.US_ASCII).trim() : "";
        if (!DatasetScope.validTenant(tenant)) {
          log.warn("upload {}: its tenant file does not name a tenant; the upload is deleted", id);
          Files.deleteIfExists(part);
          Files.deleteIfExists(p);
          Files.deleteIfExists(tenantFile);
          continue;
        }
        open.put(id, new Upload(id, tenant, a, part, Math.min(Files.size(part), a.getSizeBytes()), nowMs));
      }
    }
  }

  /** A new, empty upload of {@code request} by {@code tenant}. */
  Upload create(String tenant, StartUploadRequest request, long nowMs) throws IOException {
    String id = UUID.randomUUID().toString();
    Path part = dir.resolve(id + ".part");
    Files.createFile(part);
    DatasetStore.writeAtomically(dir.resolve(id + ".tenant"), tenant.getBytes(StandardCharsets.US_ASCII));
    DatasetStore.writeAtomically(dir.resolve(id + ".upload"), request.toByteArray());
    Upload u = new Upload(id, tenant, request, part, 0, nowMs);
    open.put(id, u);
    return u;
  }

  /** An unfinished upload by {@code tenant} of the same bytes (hash and size), if any. */
  Optional<Upload> find(String tenant, String sha256, long size) {
    return open.values().stream().filter(u -> !u.gone && u.tenant.equals(tenant) && u.announced.getSha256().equals(sha256)
        && u.announced.getSizeBytes() == size).findFirst();
  }

  /** The open upload with this id, if any. */
  Optional<Upload> get(String id) {
    return Optional.ofNullable(id == null ? null : open.get(id));
  }

  /** The announced sizes of the open uploads, summed: what they will hold once finished. */
  long reservedBytes() {
    return open.values().stream().filter(u -> !u.gone).mapToLong(u -> u.announced.getSizeBytes()).sum();
  }

  /** Every open upload. */
  List<Upload> all() {
    return List.copyOf(open.values());
  }

  /** Writes {@code data} at the upload's offset and advances it. Call holding {@code u}'s lock. */
  static void write(Upload u, byte[] data, long nowMs) throws IOException {
    try (FileChannel ch = FileChannel.open(u.part, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      long pos = u.offset;
      while (b.hasRemaining()) {
        pos += ch.write(b, pos);
      }
    }
    u.offset += data.length;
    u.touchedMs = nowMs;
  }

  /** Forgets the upload; its part file was moved into the store. */
  void finished(Upload u) throws IOException {
    u.gone = true;
    open.remove(u.id);
    Files.deleteIfExists(dir.resolve(u.id + ".upload"));
    Files.deleteIfExists(dir.resolve(u.id + ".tenant"));
  }

  /** Forgets the upload and deletes its files. Call holding {@code u}'s lock. */
  void discard(Upload u) {
    u.gone = true;
    open.remove(u.id);
    try {
      Files.deleteIfExists(u.part);
      Files.deleteIfExists(dir.resolve(u.id + ".upload"));
      Files.deleteIfExists(dir.resolve(u.id + ".tenant"));
    } catch (IOException e) {
      log.warn("cannot delete the files of upload {}: {}", u.id, e.toString());
    }
  }
}
