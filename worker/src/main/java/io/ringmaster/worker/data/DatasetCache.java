package io.ringmaster.worker.data;

import io.ringmaster.job.transfer.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's files by SHA-256 ({@code <dir>/<sha256>}), bounded in size: least recently used first out,
 * never a file a job of this worker holds.
 *
 * <p><b>Last use</b> is the file's modification time, set from the injected clock whenever a job finds the
 * file here or it is added, so the order survives a worker restart. <b>Pins</b>: a job takes a {@link Pin}
 * on each file it reads ({@link #pin}) and closes it when the job ends on this worker; a pinned file is
 * never evicted. <b>Eviction</b> runs after every file added: while the files here hold more than the
 * limit, the unpinned file used longest ago is deleted. When the pinned files alone exceed the limit they
 * stay (the running job needs them) and a warning says so; the cache shrinks once they are unpinned.
 *
 * <p>Pins are this process's: two worker processes sharing one data directory see each other's use only
 * through the last-use times (a file a job just found or fetched is the newest there). A worker reads
 * its data into memory when it joins a job, so a file deleted afterwards costs a re-fetch, never a
 * failed step. Thread-safe.
 */
public final class DatasetCache {
  private static final Logger log = LoggerFactory.getLogger(DatasetCache.class);

  private final Path dir;
  private final long maxBytes;
  private final LongSupplier wallMillis;
  private final Map<String, Integer> pins = new HashMap<>();

  /**
   * @param dir where the files are
   * @param maxBytes most bytes the files may hold once unpinned ones are evicted; 0 means no limit
   * @param wallMillis the clock (Unix milliseconds) that stamps a file's last use
   */
  public DatasetCache(Path dir, long maxBytes, LongSupplier wallMillis) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0 (0: no limit), got " + maxBytes);
    }
    this.dir = dir.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.wallMillis = wallMillis;
  }

  /** A job's hold on one file: while it is open, the file is never evicted. */
  public final class Pin implements AutoCloseable {
    private final String sha256;
    private boolean closed;

    private Pin(String sha256) {
      this.sha256 = sha256;
    }

    public String sha256() {
      return sha256;
    }

    @Override
    public void close() {
      synchronized (DatasetCache.this) {
        if (closed) {
          return;
        }
        closed = true;
        pins.computeIfPresent(sha256, (k, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  /** Where the file with this hash is (or will be, once added). */
  public Path path(String sha256) {
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("not a SHA-256: '" + sha256 + "'");
    }
    return dir.resolve(sha256);
  }

  /** The directory of the cached files. */
  public Path dir() {
    return dir;
  }

  /**
   * Pins the file with this hash (present or about to be fetched): it is not evicted until the pin is
   * closed. Pin before looking the file up, so that no eviction can come between.
   */
  public synchronized Pin pin(String sha256) {
    path(sha256);
    pins.merge(sha256, 1, Integer::sum);
    return new Pin(sha256);
  }

  /** The cached file with this hash, marked as used now; empty when it is not here. */
  public synchronized Optional<Path> lookup(String sha256) {
    Path p = path(sha256);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    touch(p);
    return Optional.of(p);
  }

  /** The file with this hash was just written to {@link #path}: marks it as used now, then evicts. */
  public synchronized void added(String sha256) {
    touch(path(sha256));
    evict();
  }

  /** Bytes of the cached files. */
  public synchronized long bytes() {
    return entries().stream().mapToLong(Entry::size).sum();
  }

  /**
   * Deletes unpinned files, least recently used first, until the files hold at most the limit; returns the
   * hashes deleted.
   */
  public synchronized List<String> evict() {
    List<String> evicted = new ArrayList<>();
    if (maxBytes == 0) {
      return evicted;
    }
    List<Entry> all = entries();
    long total = all.stream().mapToLong(Entry::size).sum();
    List<Entry> candidates = all.stream().filter(e -> !pins.containsKey(e.sha256()))
        .sorted(Comparator.comparingLong(Entry::lastUsedMs).thenComparing(Entry::sha256)).toList();
    for (Entry e : candidates) {
      if (total <= maxBytes) {
        break;
      }
      try {
        Files.deleteIfExists(e.path());
        total -= e.size();
        evicted.add(e.sha256());
        log.info("dataset cache: evicted {} ({} bytes, last used at {} ms) to stay within {} bytes", e.sha256(),
            e.size(), e.lastUsedMs(), maxBytes);
      } catch (IOException ex) {
        log.warn("dataset cache: cannot evict {}: {}", e.path(), ex.toString());
      }
    }
    if (total > maxBytes) {
      log.warn("dataset cache {} holds {} bytes, over its limit of {}: the rest is pinned by the running job"
          + " ({}); it shrinks once the job ends (raise --cache-max-mb to keep every file a job needs)", dir, total,
          maxBytes, pins.keySet());
    }
    return evicted;
  }

  private void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, FileTime.fromMillis(wallMillis.getAsLong()));
    } catch (IOException e) {
      log.warn("dataset cache: cannot mark {} as used: {}", p, e.toString());
    }
  }

  /** A cached file: its hash, size and last use. */
  private record Entry(String sha256, Path path, long size, long lastUsedMs) {}

  private List<Entry> entries() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (!Sha256.isHex(name)) {
          continue; // a download in progress (temporary file)
        }
        try {
          out.add(new Entry(name, p, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
        } catch (NoSuchFileException e) {
          // deleted meanwhile (another worker process sharing the directory)
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the dataset cache " + dir, e);
    }
    return out;
  }
}
