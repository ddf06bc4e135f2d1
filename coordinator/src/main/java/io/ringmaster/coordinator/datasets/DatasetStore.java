package io.ringmaster.coordinator.datasets;

import io.ringmaster.coordinator.datasets.DatasetStoreException.Kind;
import io.ringmaster.coordinator.datasets.UploadArea.Upload;
import io.ringmaster.job.data.DataFileDescription;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.transfer.AtomicFiles;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.StartUploadRequest;
import io.ringmaster.proto.v1.UploadStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's content-addressed dataset store (layout and upload states: see the package javadoc).
 * Thread-safe: the catalogue (names, blobs) changes under one lock; each upload appends under its own
 * ({@link UploadArea}); the only order is an upload's lock, then the catalogue's.
 */
public final class DatasetStore implements StoredDatasets {
  private static final Logger log = LoggerFactory.getLogger(DatasetStore.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private final Path blobs;
  private final Path names;
  private final UploadArea uploads;
  private final DatasetLimits limits;
  private final LongSupplier wallMillis;
  private final Object catalogue = new Object();

  /**
   * Opens (creating it if needed) the store under {@code root}. Unfinished uploads found on disk (a
   * coordinator restart) can be resumed at the bytes they hold; their expiry starts now.
   *
   * @param limits sizes, unfinished uploads and upload expiry ({@link DatasetLimits})
   * @param wallMillis the clock (Unix milliseconds) for timestamps and the upload expiry
   */
  public DatasetStore(Path root, DatasetLimits limits, LongSupplier wallMillis) throws IOException {
    this.blobs = Files.createDirectories(root.resolve("blobs"));
    this.names = Files.createDirectories(root.resolve("names"));
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.wallMillis = wallMillis;
    this.uploads = new UploadArea(root.resolve("uploads"), wallMillis.getAsLong());
  }

  /** What this store accepts. */
  public DatasetLimits limits() {
    return limits;
  }

  /**
   * Opens or resumes an upload, or finds the bytes already stored (see the package javadoc).
   *
   * @throws DatasetStoreException INVALID for a bad name, size or hash; TOO_LARGE beyond the limit
   */
  public UploadStatus start(StartUploadRequest request) throws DatasetStoreException, IOException {
    String name = request.getName();
    checkName(name);
    if (request.getSizeBytes() < 0) {
      throw new DatasetStoreException(Kind.INVALID, "dataset " + name + ": size_bytes must be >= 0, got "
          + request.getSizeBytes());
    }
    if (!Sha256.isHex(request.getSha256())) {
      throw new DatasetStoreException(Kind.INVALID, "dataset " + name + ": sha256 must be 64 lowercase hex"
          + " digits, got '" + io.ringmaster.job.spec.Echo.of(request.getSha256(), 80) + "'");
    }
    if (request.getSizeBytes() > limits.maxDatasetBytes()) {
      throw new DatasetStoreException(Kind.TOO_LARGE, "dataset " + name + " has " + request.getSizeBytes()
          + " bytes but this coordinator accepts at most " + limits.maxDatasetBytes() + " per dataset; split the"
          + " data, or raise the coordinator's datasets.maxDatasetMb (--max-dataset-mb)");
    }
    synchronized (catalogue) {
      Optional<Dataset> stored = describeBlob(request.getSha256());
      if (stored.isPresent()) {
        if (stored.get().getSizeBytes() != request.getSizeBytes()) {
          throw new DatasetStoreException(Kind.INVALID, "dataset " + name + ": the stored bytes with SHA-256 "
              + request.getSha256() + " are " + stored.get().getSizeBytes() + " bytes, not " + request.getSizeBytes());
        }
        pointName(name, request.getSha256());
        return UploadStatus.newBuilder().setOffset(request.getSizeBytes()).setSizeBytes(request.getSizeBytes())
            .setDataset(stored.get().toBuilder().setName(name)).build();
      }
      // no lock on an upload here: locks are taken upload first, then catalogue (append -> complete), never
      // the other way; the offset read may be behind a stream still writing (its next chunk then says so)
      Optional<Upload> same = uploads.find(request.getSha256(), request.getSizeBytes());
      if (same.isPresent()) {
        same.get().touchedMs = wallMillis.getAsLong();
        return same.get().status();
      }
      checkRoomFor(request);
      Upload u = uploads.create(request, wallMillis.getAsLong());
      log.info("upload {} of dataset {} ({} bytes, sha256 {}) opened", u.id, name, request.getSizeBytes(),
          request.getSha256());
      return u.status();
    }
  }

  /**
   * Appends {@code data} at {@code offset}; stores the dataset once the announced size is reached.
   *
   * @throws DatasetStoreException NOT_FOUND (unknown or expired upload), WRONG_OFFSET, INVALID (bytes
   *     beyond the size, or not a dataset file), CORRUPT (SHA-256 mismatch: the upload is deleted)
   */
  public UploadStatus append(String uploadId, long offset, byte[] data) throws DatasetStoreException, IOException {
    Upload u = upload(uploadId);
    synchronized (u) {
      if (u.gone) {
        throw notFound(uploadId);
      }
      if (offset != u.offset) {
        throw new DatasetStoreException(Kind.WRONG_OFFSET, "upload " + uploadId + " is at byte " + u.offset
            + " but the data starts at " + offset + "; send from " + u.offset);
      }
      long size = u.announced.getSizeBytes();
      if (u.offset + data.length > size) {
        throw new DatasetStoreException(Kind.INVALID, "upload " + uploadId + " of dataset "
            + u.announced.getName() + " announced " + size + " bytes; " + (u.offset + data.length)
            + " were sent");
      }
      UploadArea.write(u, data, wallMillis.getAsLong());
      if (u.offset < size) {
        return u.status();
      }
      return complete(u);
    }
  }

  /** Where an upload stands. */
  public UploadStatus status(String uploadId) throws DatasetStoreException {
    Upload u = upload(uploadId);
    synchronized (u) {
      if (u.gone) {
        throw notFound(uploadId);
      }
      return u.status();
    }
  }

  /** Every stored dataset: one entry per name, then bytes no name points at (with an empty name). */
  public List<Dataset> list() throws IOException {
    synchronized (catalogue) {
      List<Dataset> out = new ArrayList<>();
      Set<String> named = new LinkedHashSet<>();
      for (String name : sortedNames()) {
        String sha = readName(name);
        Optional<Dataset> d = sha == null ? Optional.empty() : describeBlob(sha);
        if (d.isPresent()) {
          out.add(d.get().toBuilder().setName(name).build());
          named.add(sha);
        }
      }
      try (Stream<Path> s = Files.list(blobs)) {
        for (Path p : s.sorted().toList()) {
          String f = p.getFileName().toString();
          if (Sha256.isHex(f) && !named.contains(f)) {
            describeBlob(f).ifPresent(out::add);
          }
        }
      }
      return out;
    }
  }

  /**
   * A dataset by name or SHA-256.
   *
   * @throws DatasetStoreException NOT_FOUND
   */
  public Dataset get(String nameOrHash) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      String sha = resolve(nameOrHash);
      Dataset d = describeBlob(sha).orElseThrow(() -> unknown(nameOrHash));
      return Sha256.isHex(nameOrHash) ? d : d.toBuilder().setName(nameOrHash).build();
    }
  }

  /**
   * The SHA-256 a name points at (or the hash itself, when those bytes are stored).
   *
   * @throws DatasetStoreException NOT_FOUND
   */
  public String resolve(String nameOrHash) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      if (Sha256.isHex(nameOrHash)) {
        if (Files.exists(blobs.resolve(nameOrHash))) {
          return nameOrHash;
        }
        throw unknown(nameOrHash);
      }
      String sha = NAME.matcher(nameOrHash).matches() ? readName(nameOrHash) : null;
      if (sha == null || !Files.exists(blobs.resolve(sha))) {
        throw unknown(nameOrHash);
      }
      return sha;
    }
  }

  @Override
  public Optional<StoredFile> find(String nameOrHash) {
    try {
      String sha = resolve(nameOrHash);
      return blob(sha).map(p -> new StoredFile(sha, p));
    } catch (DatasetStoreException | IOException e) {
      return Optional.empty();
    }
  }

  /** The file holding the bytes with this SHA-256, if stored. */
  public Optional<Path> blob(String sha256) {
    if (!Sha256.isHex(sha256)) {
      return Optional.empty();
    }
    Path p = blobs.resolve(sha256);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * Deletes the bytes a name or hash identifies, and every name pointing at them.
   *
   * @throws DatasetStoreException NOT_FOUND; IN_USE while a job that has not finished uses them
   */
  public Dataset delete(String nameOrHash, DatasetUsage usage) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      Dataset d = get(nameOrHash);
      String sha = d.getSha256();
      List<String> jobs = usage.jobsUsing(sha);
      if (!jobs.isEmpty()) {
        throw new DatasetStoreException(Kind.IN_USE, "dataset " + nameOrHash + " (sha256 " + sha
            + ") is used by job(s) " + String.join(", ", jobs) + " that have not finished; cancel them or wait"
            + " until they end, then delete it");
      }
      for (String name : sortedNames()) {
        if (sha.equals(readName(name))) {
          Files.deleteIfExists(names.resolve(name));
        }
      }
      Files.deleteIfExists(blobs.resolve(sha + ".meta"));
      Files.deleteIfExists(blobs.resolve(sha));
      log.info("dataset {} (sha256 {}, {} bytes) deleted", nameOrHash, sha, d.getSizeBytes());
      return d;
    }
  }

  /** Deletes unfinished uploads untouched for longer than the upload timeout; returns how many. */
  public int sweepExpired() {
    long now = wallMillis.getAsLong();
    long expiryMs = limits.uploadExpiry().toMillis();
    int n = 0;
    for (Upload u : uploads.all()) {
      synchronized (u) {
        if (!u.gone && now - u.touchedMs > expiryMs) {
          log.info("upload {} of dataset {} expired at byte {} of {} (untouched for {} ms); deleted", u.id,
              u.announced.getName(), u.offset, u.announced.getSizeBytes(), now - u.touchedMs);
          uploads.discard(u);
          n++;
        }
      }
    }
    return n;
  }

  /** Bytes held: stored datasets, and the whole announced size of every unfinished upload. */
  public long bytesHeld() throws IOException {
    synchronized (catalogue) {
      return storedBytes() + uploads.reservedBytes();
    }
  }

  // --- internals ---

  /**
   * Refuses a new upload beyond {@link DatasetLimits#maxConcurrentUploads} or {@link
   * DatasetLimits#maxStoreBytes}. Called under the catalogue's lock, before the upload is created, so two
   * uploads starting at once cannot both take the last room.
   */
  private void checkRoomFor(StartUploadRequest request) throws DatasetStoreException, IOException {
    List<Upload> open = uploads.all().stream().filter(u -> !u.gone).toList();
    if (open.size() >= limits.maxConcurrentUploads()) {
      long now = wallMillis.getAsLong();
      long quietest = open.stream().mapToLong(u -> now - u.touchedMs).max().orElse(0);
      throw new DatasetStoreException(Kind.LIMIT, "dataset " + request.getName() + ": this coordinator already has "
          + open.size() + " unfinished upload(s), its limit (datasets.maxConcurrentUploads, --max-concurrent-uploads = "
          + limits.maxConcurrentUploads() + "). An unfinished upload is deleted after "
          + limits.uploadExpiry().toSeconds() + " s untouched (the quietest has been untouched for " + quietest / 1000
          + " s); retry later, finish the interrupted uploads (push the same file again: it resumes), or raise the"
          + " limit");
    }
    if (limits.storeBounded()) {
      long stored = storedBytes();
      long reserved = open.stream().mapToLong(u -> u.announced.getSizeBytes()).sum();
      if (stored + reserved + request.getSizeBytes() > limits.maxStoreBytes()) {
        throw new DatasetStoreException(Kind.LIMIT, "dataset " + request.getName() + " (" + request.getSizeBytes()
            + " bytes) does not fit: the store holds " + stored + " bytes of datasets and " + reserved
            + " bytes reserved by " + open.size() + " unfinished upload(s), and accepts at most "
            + limits.maxStoreBytes() + " in all (datasets.maxStoreMb, --max-dataset-store-mb). Delete datasets"
            + " no job needs (`ringmaster datasets rm NAME`) or raise the limit");
      }
    }
  }

  /** Sum of the sizes of the stored blobs (their descriptions excluded). */
  private long storedBytes() throws IOException {
    long sum = 0;
    try (Stream<Path> s = Files.list(blobs)) {
      for (Path p : s.toList()) {
        if (Sha256.isHex(p.getFileName().toString())) {
          try {
            sum += Files.size(p);
          } catch (NoSuchFileException e) {
            // deleted meanwhile
          }
        }
      }
    }
    return sum;
  }

  private UploadStatus complete(Upload u) throws DatasetStoreException, IOException {
    StartUploadRequest a = u.announced;
    String actual = Sha256.ofFile(u.part);
    if (!actual.equals(a.getSha256())) {
      uploads.discard(u);
      throw new DatasetStoreException(Kind.CORRUPT, "upload " + u.id + " of dataset " + a.getName()
          + ": the " + a.getSizeBytes() + " bytes received have SHA-256 " + actual + " but " + a.getSha256()
          + " was announced; the upload was deleted: start it again");
    }
    DataFileDescription desc;
    try {
      desc = DataFileDescription.of(u.part);
    } catch (DatasetException e) {
      uploads.discard(u);
      throw new DatasetStoreException(Kind.INVALID, "dataset " + a.getName() + " is not a dataset file Ringmaster"
          + " reads (IDX images, IDX labels or CSV, gzipped or not): " + e.getMessage().replace(u.part.toString(),
              "the uploaded file"));
    }
    Dataset d = Dataset.newBuilder().setSha256(actual).setSizeBytes(a.getSizeBytes())
        .setFormat(switch (desc.kind()) {
          case IDX_IMAGES -> Dataset.Format.FORMAT_IDX_IMAGES;
          case IDX_LABELS -> Dataset.Format.FORMAT_IDX_LABELS;
          case CSV -> Dataset.Format.FORMAT_CSV;
        })
        .setGzipped(desc.gzipped()).setSamples(desc.samples()).addAllSampleShape(desc.sampleShape())
        .setClasses(desc.classes()).setCreatedAtMs(wallMillis.getAsLong()).build();
    synchronized (catalogue) {
      Path blob = blobs.resolve(actual);
      if (Files.exists(blob)) {
        Files.delete(u.part); // the same bytes arrived through another upload meanwhile
      } else {
        writeAtomically(blobs.resolve(actual + ".meta"), d.toByteArray());
        try (FileChannel ch = FileChannel.open(u.part, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(u.part, blob, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDir(blobs);
      }
      pointName(a.getName(), actual);
      uploads.finished(u);
      Dataset stored = describeBlob(actual).orElse(d).toBuilder().setName(a.getName()).build();
      log.info("dataset {} stored: sha256 {}, {} bytes, {}", a.getName(), actual, a.getSizeBytes(), stored.getFormat());
      return UploadStatus.newBuilder().setUploadId(u.id).setOffset(u.offset).setSizeBytes(a.getSizeBytes())
          .setDataset(stored).build();
    }
  }

  private Upload upload(String id) throws DatasetStoreException {
    return uploads.get(id).orElseThrow(() -> notFound(id));
  }

  private DatasetStoreException notFound(String uploadId) {
    return new DatasetStoreException(Kind.NOT_FOUND, "no upload " + io.ringmaster.job.spec.Echo.of(uploadId)
        + " on this coordinator (finished,"
        + " failed, or untouched for longer than " + limits.uploadExpiry().toSeconds() + " s and deleted); call StartUpload"
        + " again");
  }

  private static DatasetStoreException unknown(String nameOrHash) {
    return new DatasetStoreException(Kind.NOT_FOUND, "no dataset " + io.ringmaster.job.spec.Echo.of(nameOrHash)
        + " on this coordinator;"
        + " see `ringmaster datasets ls`, or push it with `ringmaster datasets push FILE`");
  }

  private static void checkName(String name) throws DatasetStoreException {
    if (name == null || !NAME.matcher(name).matches() || Sha256.isHex(name)) {
      throw new DatasetStoreException(Kind.INVALID, "dataset name '" + io.ringmaster.job.spec.Echo.of(name)
          + "' is not valid: use 1 to 128"
          + " letters, digits, '.', '_' or '-', not starting with '.' or '-', and not 64 hex digits (that"
          + " is how hashes are written)");
    }
  }

  private Optional<Dataset> describeBlob(String sha) throws IOException {
    Path meta = blobs.resolve(sha + ".meta");
    if (!Files.exists(blobs.resolve(sha))) {
      return Optional.empty();
    }
    try {
      return Optional.of(Dataset.parseFrom(Files.readAllBytes(meta)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private void pointName(String name, String sha) throws IOException {
    writeAtomically(names.resolve(name), sha.getBytes(StandardCharsets.US_ASCII));
  }

  private String readName(String name) throws IOException {
    try {
      String sha = Files.readString(names.resolve(name), StandardCharsets.US_ASCII).trim();
      return Sha256.isHex(sha) ? sha : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private List<String> sortedNames() throws IOException {
    try (Stream<Path> s = Files.list(names)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches())
          .sorted(Comparator.naturalOrder()).toList();
    }
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = AtomicFiles.tempFor(target);
    try {
      Files.write(tmp, bytes);
      AtomicFiles.commit(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
