package io.ringmaster.worker.data;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetException.Source;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.transfer.CorruptTransferException;
import io.ringmaster.job.transfer.FileReceiver;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes a job's data files local: used in place, read from the cache, or fetched (see the package doc). */
public final class DataFetcher {
  private static final Logger log = LoggerFactory.getLogger(DataFetcher.class);
  /** Longest a single file download may take. */
  private static final long DOWNLOAD_DEADLINE_MIN = 30;

  private final DatasetCache cache;
  private final Channel coordinator;
  private final AtomicLong fetched = new AtomicLong();
  private final AtomicLong fetchedBytes = new AtomicLong();

  /**
   * @param cache this worker's files by hash (normally {@code <dataDir>/cache})
   * @param coordinator channel to the coordinator, which serves {@code DatasetService}
   */
  public DataFetcher(DatasetCache cache, Channel coordinator) {
    this.cache = cache;
    this.coordinator = coordinator;
  }

  /**
   * The same dataset with local files in place of stored datasets and of paths this worker cannot read.
   * Every cached file it hands out is pinned first ({@code pins} receives the pins: close them when the
   * job no longer needs the files), so the cache never evicts it meanwhile.
   *
   * @param provenance the job's provenance: the SHA-256 of every data file the coordinator validated
   * @throws DatasetException naming the file, when it cannot be fetched or its bytes are corrupt
   */
  public DatasetRef localize(DatasetRef ref, Provenance provenance, Consumer<DatasetCache.Pin> pins)
      throws DatasetException {
    String file = ref.stored() ? file(ref.dataset(), Source.PATH, "dataset " + ref.dataset(), pins)
        : local(ref.path(), provenance, Source.PATH, pins);
    String labels = ref.labelsStored()
        ? file(ref.labelsDataset(), Source.LABELS, "dataset " + ref.labelsDataset(), pins)
        : ref.labelsPath() == null ? null : local(ref.labelsPath(), provenance, Source.LABELS, pins);
    return ref.withLocalFiles(file, labels);
  }

  /** Files downloaded by this fetcher so far (cache misses). */
  public long filesFetched() {
    return fetched.get();
  }

  /** Bytes downloaded by this fetcher so far. */
  public long bytesFetched() {
    return fetchedBytes.get();
  }

  private String local(String path, Provenance provenance, Source source, Consumer<DatasetCache.Pin> pins)
      throws DatasetException {
    Path p;
    try {
      p = Path.of(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new DatasetException(source, "not a valid path '" + path + "': " + e.getReason());
    }
    if (Files.isReadable(p) && Files.isRegularFile(p)) {
      return p.toString(); // this worker sees the file: use it as it is
    }
    for (DataFileHash h : provenance.getDataFilesList()) {
      if (Path.of(h.getPath()).toAbsolutePath().normalize().equals(p)) {
        return file(h.getSha256(), source, path + " (not visible on this worker)", pins);
      }
    }
    throw new DatasetException(source, path + " is not readable on this worker, and the coordinator recorded no"
        + " hash for it to fetch it by; give the job a path every worker sees, or push the file with"
        + " `ringmaster datasets push` and name it by dataset");
  }

  /** The cached file with this hash (pinned), fetched from the coordinator first if needed. */
  private String file(String sha256, Source source, String what, Consumer<DatasetCache.Pin> pins)
      throws DatasetException {
    if (!io.ringmaster.job.transfer.Sha256.isHex(sha256)) {
      throw new DatasetException(source, what + ": '" + sha256 + "' is not a SHA-256 (64 lowercase hex digits)");
    }
    DatasetCache.Pin pin = cache.pin(sha256);
    pins.accept(pin); // held from here: a concurrent eviction cannot take the file between lookup and load
    Optional<Path> cached = cache.lookup(sha256);
    if (cached.isPresent()) {
      log.info("{}: in the local cache ({})", what, cached.get());
      return cached.get().toString();
    }
    Path target = cache.path(sha256);
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(cache.dir());
      var stub = DatasetServiceGrpc.newBlockingStub(coordinator)
          .withDeadlineAfter(DOWNLOAD_DEADLINE_MIN, TimeUnit.MINUTES);
      var header = FileReceiver.receive(stub.downloadFile(DownloadFileRequest.newBuilder().setSha256(sha256).build()),
          target, sha256, n -> { });
      fetched.incrementAndGet();
      fetchedBytes.addAndGet(header.getSizeBytes());
      cache.added(sha256);
      log.info("{}: fetched {} bytes from the coordinator in {} ms, SHA-256 verified, cached as {}", what,
          header.getSizeBytes(), (System.nanoTime() - t0) / 1_000_000, target);
      return target.toString();
    } catch (CorruptTransferException e) {
      throw new DatasetException(source, what + ": the bytes fetched from the coordinator are corrupt (" + e.getMessage()
          + "); nothing was cached. Check the coordinator's copy (`ringmaster datasets ls`) and the network", e);
    } catch (StatusRuntimeException e) {
      throw new DatasetException(source, what + ": cannot fetch SHA-256 " + sha256 + " from the coordinator: "
          + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
    } catch (IOException e) {
      throw new DatasetException(source, what + ": cannot write it to this worker's cache " + cache.dir() + ": " + e, e);
    }
  }
}
