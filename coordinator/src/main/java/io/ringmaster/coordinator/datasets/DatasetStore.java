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
 * The coordinator's content-addressed dataset store, kept per tenant (layout, upload states and tenants: see
 * the package javadoc). Every request names its {@link DatasetScope}: a tenant sees, names, resumes and
 * deletes only what it holds, and is answered about anything else exactly as about bytes nobody stored.
 * Thread-safe: the catalogue (blobs, holdings, names) changes under one lock; each upload appends under its
 * own ({@link UploadArea}); the only order is an upload's lock, then the catalogue's.
 */
public final class DatasetStore implements StoredDatasets {
  private static final Logger log = LoggerFactory.getLogger(DatasetStore.class);
  private static final Pattern NAME = TenantHoldings.NAME;

  private final Path blobs;
  private final TenantHoldings holdings;
  private final UploadArea uploads;
  private final DatasetLimits limits;
  private final LongSupplier wallMillis;
  private final Object catalogue = new Object();

  /**
   * Opens (creating it if needed) the store under {@code root}. Unfinished uploads found on disk (a
   * coordinator restart) can be resumed at the bytes they hold; their expiry starts now. A store written
   * before tenants existed (a {@code names/} directory) is migrated first: its datasets and names are held by
   * no tenant ({@link #migrateUntenanted}).
   *
   * @param limits sizes, unfinished uploads and upload expiry ({@link DatasetLimits})
   * @param wallMillis the clock (Unix milliseconds) for timestamps and the upload expiry
   */
  public DatasetStore(Path root, DatasetLimits limits, LongSupplier wallMillis) throws IOException {
    this.blobs = Files.createDirectories(root.resolve("blobs"));
    this.holdings = new TenantHoldings(root.resolve("tenants"));
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.wallMillis = wallMillis;
    migrateUntenanted(root.resolve("names"));
    this.uploads = new UploadArea(root.resolve("uploads"), wallMillis.getAsLong());
  }

  /** What this store accepts. */
  public DatasetLimits limits() {
    return limits;
  }

  /**
   * Opens or resumes an upload of {@code scope}'s tenant, or finds the bytes already held by that tenant
   * (see the package javadoc). Bytes that only other tenants hold are uploaded and checked all the same:
   * the answer never depends on what other tenants stored.
   *
   * @throws DatasetStoreException INVALID for a bad name, size or hash; TOO_LARGE beyond the limit
   */
  public UploadStatus start(DatasetScope scope, StartUploadRequest request) throws DatasetStoreException, IOException {
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
    String tenant = scope.tenant();
    synchronized (catalogue) {
      Optional<Dataset> held = describe(tenant, request.getSha256());
      if (held.isPresent()) {
        if (held.get().getSizeBytes() != request.getSizeBytes()) {
          throw new DatasetStoreException(Kind.INVALID, "dataset " + name + ": the stored bytes with SHA-256 "
              + request.getSha256() + " are " + held.get().getSizeBytes() + " bytes, not " + request.getSizeBytes());
        }
        holdings.point(tenant, name, request.getSha256());
        return UploadStatus.newBuilder().setOffset(request.getSizeBytes()).setSizeBytes(request.getSizeBytes())
            .setDataset(held.get().toBuilder().setName(name)).build();
      }
      // no lock on an upload here: locks are taken upload first, then catalogue (append -> complete), never
      // the other way; the offset read may be behind a stream still writing (its next chunk then says so)
      Optional<Upload> same = uploads.find(tenant, request.getSha256(), request.getSizeBytes());
      if (same.isPresent()) {
        same.get().touchedMs = wallMillis.getAsLong();
        return same.get().status();
      }
      checkRoomFor(scope, request);
      Upload u = uploads.create(tenant, request, wallMillis.getAsLong());
      log.info("upload {} of dataset {} ({} bytes, sha256 {}) opened by tenant {}", u.id, name,
          request.getSizeBytes(), request.getSha256(), tenant.isEmpty() ? "-" : tenant);
      return u.status();
    }
  }

  /**
   * Appends {@code data} at {@code offset} to an upload of {@code scope}'s tenant; stores the dataset once
   * the announced size is reached (held by that tenant, named as announced).
   *
   * @throws DatasetStoreException NOT_FOUND (unknown or expired upload, or another tenant's), WRONG_OFFSET,
   *     INVALID (bytes beyond the size, or not a dataset file), CORRUPT (SHA-256 mismatch: the upload is deleted)
   */
  public UploadStatus append(DatasetScope scope, String uploadId, long offset, byte[] data)
      throws DatasetStoreException, IOException {
    Upload u = upload(scope, uploadId);
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

  /** Where an upload of {@code scope}'s tenant stands. */
  public UploadStatus status(DatasetScope scope, String uploadId) throws DatasetStoreException {
    Upload u = upload(scope, uploadId);
    synchronized (u) {
      if (u.gone) {
        throw notFound(uploadId);
      }
      return u.status();
    }
  }

  /**
   * The datasets {@code scope} sees, tenant by tenant (no tenant first): one entry per name, then bytes the
   * tenant holds under no name (with an empty name). Each entry carries its tenant.
   */
  public List<Dataset> list(DatasetScope scope) throws IOException {
    synchronized (catalogue) {
      List<Dataset> out = new ArrayList<>();
      List<String> tenants = scope.everyTenant() ? holdings.tenants() : List.of(scope.tenant());
      for (String tenant : tenants) {
        Set<String> named = new LinkedHashSet<>();
        for (String name : holdings.names(tenant)) {
          String sha = holdings.name(tenant, name);
          Optional<Dataset> d = sha == null ? Optional.empty() : describe(tenant, sha);
          if (d.isPresent()) {
            out.add(d.get().toBuilder().setName(name).build());
            named.add(sha);
          }
        }
        for (String sha : holdings.held(tenant)) {
          if (!named.contains(sha)) {
            describe(tenant, sha).ifPresent(out::add);
          }
        }
      }
      return out;
    }
  }

  /**
   * A dataset {@code scope} sees, by name, SHA-256 or (seeing every tenant) {@code TENANT/NAME}.
   *
   * @throws DatasetStoreException NOT_FOUND, alike for unknown datasets and for those of other tenants
   */
  public Dataset get(DatasetScope scope, String ref) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      Found f = lookup(scope, ref);
      Dataset d = f.describe(this).orElseThrow(() -> unknown(ref));
      return f.name() == null ? d : d.toBuilder().setName(f.name()).build();
    }
  }

  /**
   * The SHA-256 a reference {@code scope} sees points at.
   *
   * @throws DatasetStoreException NOT_FOUND, alike for unknown datasets and for those of other tenants
   */
  public String resolve(DatasetScope scope, String ref) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      return lookup(scope, ref).sha();
    }
  }

  @Override
  public Optional<StoredFile> find(DatasetScope scope, String ref) {
    try {
      String sha = resolve(scope, ref);
      return blob(sha).map(p -> new StoredFile(sha, p));
    } catch (DatasetStoreException | IOException e) {
      return Optional.empty();
    }
  }

  /** The file holding the bytes with this SHA-256, if stored (whoever holds them: for jobs already accepted). */
  public Optional<Path> blob(String sha256) {
    if (!Sha256.isHex(sha256)) {
      return Optional.empty();
    }
    Path p = blobs.resolve(sha256);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * Deletes a dataset {@code scope} sees: by name, the tenant owning the name no longer holds the bytes it
   * points at (and all its names of them go); by hash, the caller's tenant no longer holds them (seeing
   * every tenant: no tenant does). The bytes themselves are deleted once no tenant holds them and no job
   * that has not finished uses them; otherwise {@link #collectUnheld} deletes them later.
   *
   * @throws DatasetStoreException NOT_FOUND; IN_USE while a job of a tenant losing the bytes (seeing every
   *     tenant and deleting by hash: any job) has not finished
   */
  public Dataset delete(DatasetScope scope, String ref, DatasetUsage usage) throws DatasetStoreException, IOException {
    synchronized (catalogue) {
      Found f = lookup(scope, ref);
      Dataset d = f.describe(this).orElseThrow(() -> unknown(ref));
      String sha = f.sha();
      List<String> losing = f.name() == null && scope.everyTenant() ? holdings.holders(sha) : List.of(f.tenant());
      boolean everyJob = f.name() == null && scope.everyTenant();
      List<String> jobs = usage.jobsUsing(sha).stream()
          .filter(job -> everyJob || losing.contains(usage.tenantOf(job))).toList();
      if (!jobs.isEmpty()) {
        throw new DatasetStoreException(Kind.IN_USE, "dataset " + io.ringmaster.job.spec.Echo.of(ref) + " (sha256 "
            + sha + ") is used by job(s) " + String.join(", ", jobs) + " that have not finished; cancel them or"
            + " wait until they end, then delete it");
      }
      for (String tenant : losing) {
        holdings.release(tenant, sha);
      }
      log.info("dataset {} (sha256 {}, {} bytes) deleted for tenant(s) {}", io.ringmaster.job.spec.Echo.of(ref),
          sha, d.getSizeBytes(), losing.stream().map(t -> t.isEmpty() ? "-" : t).toList());
      deleteIfUnheld(sha, usage);
      return d;
    }
  }

  /**
   * Deletes stored bytes that no tenant holds and no job that has not finished uses (left by {@link #delete}
   * while another tenant's or an admin's job still read them); returns how many. The coordinator runs it
   * periodically.
   */
  public int collectUnheld(DatasetUsage usage) throws IOException {
    int n = 0;
    synchronized (catalogue) {
      try (Stream<Path> s = Files.list(blobs)) {
        for (Path p : s.sorted().toList()) {
          String f = p.getFileName().toString();
          if (Sha256.isHex(f) && deleteIfUnheld(f, usage)) {
            n++;
          }
        }
      }
    }
    return n;
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
   * uploads starting at once cannot both take the last room. The limits are the store's, shared by every
   * tenant: a tenant's refusal quotes the store's figures only to callers who see every tenant.
   */
  private void checkRoomFor(DatasetScope scope, StartUploadRequest request) throws DatasetStoreException, IOException {
    List<Upload> open = uploads.all().stream().filter(u -> !u.gone).toList();
    if (open.size() >= limits.maxConcurrentUploads()) {
      long now = wallMillis.getAsLong();
      long quietest = open.stream().mapToLong(u -> now - u.touchedMs).max().orElse(0);
      throw new DatasetStoreException(Kind.LIMIT, "dataset " + request.getName() + ": this coordinator already has "
          + (scope.everyTenant() ? open.size() + " unfinished upload(s), its limit" : "as many unfinished uploads as"
              + " it accepts at once, for all tenants together")
          + " (datasets.maxConcurrentUploads, --max-concurrent-uploads = "
          + limits.maxConcurrentUploads() + "). An unfinished upload is deleted after "
          + limits.uploadExpiry().toSeconds() + " s untouched"
          + (scope.everyTenant() ? " (the quietest has been untouched for " + quietest / 1000 + " s)" : "")
          + "; retry later, finish the interrupted uploads (push the same file again: it resumes), or raise the"
          + " limit");
    }
    if (limits.storeBounded()) {
      long stored = storedBytes();
      long reserved = open.stream().mapToLong(u -> u.announced.getSizeBytes()).sum();
      if (stored + reserved + request.getSizeBytes() > limits.maxStoreBytes()) {
        throw new DatasetStoreException(Kind.LIMIT, "dataset " + request.getName() + " (" + request.getSizeBytes()
            + " bytes) does not fit: " + (scope.everyTenant() ? "the store holds " + stored + " bytes of datasets and "
                + reserved + " bytes reserved by " + open.size() + " unfinished upload(s), and accepts"
                : "the coordinator's dataset store, shared by all tenants, accepts")
            + " at most " + limits.maxStoreBytes() + " in all (datasets.maxStoreMb, --max-dataset-store-mb). Delete"
            + " datasets no job needs (`ringmaster datasets rm NAME`) or ask the operator to raise the limit");
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

  /**
   * Checks and stores a finished upload. The bytes are hashed and described whether or not another tenant
   * stored the same bytes before; only then is the blob either moved into place or found there already (the
   * part file is dropped), and the upload's tenant made a holder with its own time and name.
   */
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
    long now = wallMillis.getAsLong();
    Dataset d = Dataset.newBuilder().setSha256(actual).setSizeBytes(a.getSizeBytes())
        .setFormat(switch (desc.kind()) {
          case IDX_IMAGES -> Dataset.Format.FORMAT_IDX_IMAGES;
          case IDX_LABELS -> Dataset.Format.FORMAT_IDX_LABELS;
          case CSV -> Dataset.Format.FORMAT_CSV;
        })
        .setGzipped(desc.gzipped()).setSamples(desc.samples()).addAllSampleShape(desc.sampleShape())
        .setClasses(desc.classes()).setCreatedAtMs(now).build();
    // the same work whether or not the bytes are stored already: the reply's timing tells nothing either
    try (FileChannel ch = FileChannel.open(u.part, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    synchronized (catalogue) {
      Path blob = blobs.resolve(actual);
      if (Files.exists(blob)) {
        Files.delete(u.part); // the same bytes are stored already (another tenant's, or another upload's)
      } else {
        writeAtomically(blobs.resolve(actual + ".meta"), d.toByteArray());
        Files.move(u.part, blob, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      syncDir(blobs);
      holdings.hold(u.tenant, actual, now);
      holdings.point(u.tenant, a.getName(), actual);
      uploads.finished(u);
      Dataset stored = describe(u.tenant, actual).orElse(d).toBuilder().setName(a.getName()).build();
      log.info("dataset {} stored for tenant {}: sha256 {}, {} bytes, {}", a.getName(),
          u.tenant.isEmpty() ? "-" : u.tenant, actual, a.getSizeBytes(), stored.getFormat());
      return UploadStatus.newBuilder().setUploadId(u.id).setOffset(u.offset).setSizeBytes(a.getSizeBytes())
          .setDataset(stored).build();
    }
  }

  /** An upload of {@code scope}'s tenant; another tenant's upload is not found, like an unknown one. */
  private Upload upload(DatasetScope scope, String id) throws DatasetStoreException {
    return uploads.get(id).filter(u -> u.tenant.equals(scope.tenant())).orElseThrow(() -> notFound(id));
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

  /**
   * What a reference resolved to: the bytes, the tenant whose hold or name it went through, and the name
   * (null for a hash).
   */
  private record Found(String sha, String tenant, String name) {
    Optional<Dataset> describe(DatasetStore store) throws IOException {
      Optional<Dataset> held = store.describe(tenant, sha);
      return held.isPresent() ? held : store.describeBlob(sha).map(d -> d.toBuilder().setTenant("").build());
    }
  }

  /**
   * Resolves a name (the scope's tenant's), a {@code TENANT/NAME} (that tenant's, if the scope sees it) or a
   * SHA-256 (held by the scope's tenant; seeing every tenant: stored at all). Anything else is NOT_FOUND with
   * the message an unknown name gets.
   */
  private Found lookup(DatasetScope scope, String ref) throws DatasetStoreException, IOException {
    if (ref == null) {
      throw unknown("");
    }
    if (Sha256.isHex(ref)) {
      if (holdings.heldSince(scope.tenant(), ref).isPresent() && Files.exists(blobs.resolve(ref))) {
        return new Found(ref, scope.tenant(), null);
      }
      if (scope.everyTenant() && Files.exists(blobs.resolve(ref))) {
        List<String> holders = holdings.holders(ref);
        return new Found(ref, holders.isEmpty() ? "" : holders.get(0), null);
      }
      throw unknown(ref);
    }
    String tenant = scope.tenant();
    String name = ref;
    int slash = ref.indexOf('/');
    if (slash >= 0) {
      tenant = ref.substring(0, slash);
      name = ref.substring(slash + 1);
      if (!DatasetScope.validTenant(tenant) || !scope.sees(tenant)) {
        throw unknown(ref);
      }
    }
    String sha = holdings.name(tenant, name);
    if (sha == null || holdings.heldSince(tenant, sha).isEmpty() || !Files.exists(blobs.resolve(sha))) {
      throw unknown(ref);
    }
    return new Found(sha, tenant, name);
  }

  /** The bytes {@code sha} as {@code tenant} holds them (its time, its tenant), if it does. */
  private Optional<Dataset> describe(String tenant, String sha) throws IOException {
    Optional<Long> since = holdings.heldSince(tenant, sha);
    if (since.isEmpty()) {
      return Optional.empty();
    }
    return describeBlob(sha).map(d -> d.toBuilder().setTenant(tenant).setCreatedAtMs(since.get()).build());
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

  /** Deletes the bytes when no tenant holds them and no job that has not finished uses them. */
  private boolean deleteIfUnheld(String sha, DatasetUsage usage) throws IOException {
    if (!holdings.holders(sha).isEmpty() || !usage.jobsUsing(sha).isEmpty()) {
      return false;
    }
    Files.deleteIfExists(blobs.resolve(sha + ".meta"));
    boolean deleted = Files.deleteIfExists(blobs.resolve(sha));
    if (deleted) {
      log.info("stored bytes sha256 {} deleted: no tenant holds them and no job uses them", sha);
    }
    return deleted;
  }

  /**
   * Migrates a store written before tenants existed: every stored blob that no tenant holds becomes held by
   * no tenant (since the time its description records), and every name of {@code names/} becomes a name of
   * no tenant; {@code names/} goes last. Each step is idempotent, so a crash halfway is finished by the next
   * start. Afterwards the old datasets are seen by admins (and by every caller of a coordinator without
   * client authentication), as jobs stored before tenants existed are.
   */
  private void migrateUntenanted(Path oldNames) throws IOException {
    if (!Files.isDirectory(oldNames)) {
      return;
    }
    int blobsMoved = 0;
    try (Stream<Path> s = Files.list(blobs)) {
      for (Path p : s.sorted().toList()) {
        String sha = p.getFileName().toString();
        if (Sha256.isHex(sha) && holdings.holders(sha).isEmpty()) {
          holdings.hold("", sha, describeBlob(sha).map(Dataset::getCreatedAtMs).orElse(0L));
          blobsMoved++;
        }
      }
    }
    int namesMoved = 0;
    try (Stream<Path> s = Files.list(oldNames)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        String sha = Files.readString(p, StandardCharsets.US_ASCII).trim();
        if (NAME.matcher(name).matches() && Sha256.isHex(sha) && Files.exists(blobs.resolve(sha))) {
          holdings.point("", name, sha);
          namesMoved++;
        }
        Files.delete(p);
      }
    }
    Files.delete(oldNames);
    log.info("dataset store migrated to tenants: {} stored dataset(s) and {} name(s) from before tenants are held"
        + " by no tenant (visible to admins)", blobsMoved, namesMoved);
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
