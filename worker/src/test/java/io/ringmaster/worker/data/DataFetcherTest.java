package io.ringmaster.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.FileHeader;
import io.ringmaster.proto.v1.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's data: used in place, fetched and cached by hash, corrupt bytes refused; {@link SpecFileData}
 * loads the spec's files through the fetcher and checks them against what the coordinator validated.
 */
class DataFetcherTest {
  @TempDir Path dir;
  final Map<String, byte[]> served = new ConcurrentHashMap<>();
  final AtomicInteger downloads = new AtomicInteger();
  volatile boolean corrupt;
  Server server;
  ManagedChannel channel;

  /** A coordinator that serves {@link #served} by hash, flipping a bit on the way when {@link #corrupt}. */
  final DatasetServiceGrpc.DatasetServiceImplBase fake = new DatasetServiceGrpc.DatasetServiceImplBase() {
    @Override
    public void downloadFile(DownloadFileRequest request, StreamObserver<FileChunk> out) {
      downloads.incrementAndGet();
      byte[] b = served.get(request.getSha256());
      if (b == null) {
        out.onError(Status.NOT_FOUND.withDescription("no file " + request.getSha256()).asRuntimeException());
        return;
      }
      out.onNext(FileChunk.newBuilder().setHeader(FileHeader.newBuilder().setSizeBytes(b.length)
          .setSha256(request.getSha256())).build());
      byte[] sent = b.clone();
      if (corrupt) {
        sent[sent.length / 2] ^= 1;
      }
      out.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(sent)).build());
      out.onCompleted();
    }
  };

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(fake).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** Pins handed out by the fetchers of a test. */
  final java.util.List<DatasetCache.Pin> pins = new java.util.ArrayList<>();

  /** A fetcher of the worker whose data directory is {@code dir/worker}, its cache unbounded. */
  DataFetcher fetcher(String worker) {
    return new DataFetcher(new DatasetCache(dir.resolve(worker).resolve("cache"), 0, System::currentTimeMillis),
        channel);
  }

  String serve(byte[] bytes) {
    String sha = Sha256.of(bytes);
    served.put(sha, bytes);
    return sha;
  }

  @Test
  void storedDatasetsAreFetchedOnceAndThenReadFromTheCache() throws Exception {
    String images = serve(new byte[] {1, 2, 3, 4, 5});
    String labels = serve(new byte[] {9, 8});
    DatasetRef ref = DatasetRef.storedIdx(images, labels);

    DatasetRef local = fetcher("w1").localize(ref, Provenance.getDefaultInstance(), pins::add);
    assertThat(Files.readAllBytes(Path.of(local.path()))).containsExactly(1, 2, 3, 4, 5);
    assertThat(Files.readAllBytes(Path.of(local.labelsPath()))).containsExactly(9, 8);
    assertThat(local.stored()).isFalse();
    assertThat(downloads).hasValue(2);

    DataFetcher secondJob = fetcher("w1"); // the next job on the same worker
    assertThat(secondJob.localize(ref, Provenance.getDefaultInstance(), pins::add)).isEqualTo(local);
    assertThat(downloads).as("the second job fetches nothing").hasValue(2);
    assertThat(secondJob.filesFetched()).isZero();
  }

  @Test
  void aVisiblePathIsUsedAsItIsAndAnInvisibleOneIsFetchedByItsProvenanceHash() throws Exception {
    Path visible = Files.write(dir.resolve("visible.csv"), new byte[] {7});
    String sha = serve(new byte[] {4, 2});
    String elsewhere = "/nowhere/on/this/worker/labels.gz";
    Provenance p = Provenance.newBuilder().addDataFiles(DataFileHash.newBuilder().setPath(elsewhere).setSha256(sha)).build();

    DatasetRef local = fetcher("w").localize(DatasetRef.idx(visible.toString(), elsewhere), p, pins::add);

    assertThat(local.path()).isEqualTo(visible.toString());
    assertThat(Files.readAllBytes(Path.of(local.labelsPath()))).containsExactly(4, 2);
    assertThat(downloads).hasValue(1);
    assertThatThrownBy(() -> fetcher("w").localize(DatasetRef.idx("/also/missing", elsewhere), p, pins::add))
        .isInstanceOfSatisfying(DatasetException.class,
            e -> assertThat(e.source()).isEqualTo(DatasetException.Source.PATH))
        .hasMessageContaining("/also/missing is not readable on this worker");
  }

  @Test
  void aBoundedCacheEvictsWhatTheLastJobUsedButNeverWhatTheRunningJobHolds() throws Exception {
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    DatasetCache cache = new DatasetCache(dir.resolve("w").resolve("cache"), 10, clock::get);
    DataFetcher f = new DataFetcher(cache, channel);
    String first = serve(new byte[] {1, 2, 3, 4, 5, 6});
    String second = serve(new byte[] {6, 5, 4, 3, 2, 1});
    String labels = serve(new byte[] {0, 1, 0});

    java.util.List<DatasetCache.Pin> firstJob = new java.util.ArrayList<>();
    f.localize(DatasetRef.storedCsv(first, null), Provenance.getDefaultInstance(), firstJob::add);
    clock.addAndGet(1_000);
    java.util.List<DatasetCache.Pin> secondJob = new java.util.ArrayList<>();
    f.localize(DatasetRef.storedIdx(second, labels), Provenance.getDefaultInstance(), secondJob::add);
    assertThat(cache.dir().resolve(first)).as("15 bytes > 10, but the first job still holds its file").exists();

    firstJob.forEach(DatasetCache.Pin::close);
    clock.addAndGet(1_000);
    String third = serve(new byte[] {7});
    f.localize(DatasetRef.storedCsv(third, null), Provenance.getDefaultInstance(), secondJob::add);
    assertThat(cache.dir().resolve(first)).as("unpinned and used longest ago: evicted").doesNotExist();
    assertThat(cache.dir().resolve(second)).as("pinned by the running job").exists();
    assertThat(cache.bytes()).isEqualTo(10);
    assertThat(downloads).hasValue(4);
  }

  @Test
  void corruptBytesFailTheLoadAndAreNotCached() throws Exception {
    String sha = serve(new byte[] {1, 1, 2, 3, 5, 8, 13});
    corrupt = true;
    DataFetcher f = fetcher("w");

    assertThatThrownBy(() -> f.localize(DatasetRef.storedCsv(sha, null), Provenance.getDefaultInstance(), pins::add))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("corrupt").hasMessageContaining(sha);
    assertThat(dir.resolve("w").resolve("cache").resolve(sha)).doesNotExist();

    corrupt = false;
    DatasetRef ok = f.localize(DatasetRef.storedCsv(sha, null), Provenance.getDefaultInstance(), pins::add);
    assertThat(Files.readAllBytes(Path.of(ok.path()))).containsExactly(1, 1, 2, 3, 5, 8, 13);
  }

  @Test
  void specFileDataLoadsStoredDatasetsThroughItsFetcherAndChecksTheirShape() throws Exception {
    byte[] csv = "a,b,label\n1,2,0\n3,4,1\n5,6,2\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    DatasetRef stored = DatasetRef.storedCsv(serve(csv), "label");
    io.ringmaster.job.spec.JobSpec spec = new io.ringmaster.job.spec.JobSpec("t", null,
        new io.ringmaster.job.spec.DataSpec(stored, stored), 1, 3, null, 7L, 1, null, null, null, null);
    io.ringmaster.job.data.DatasetInfo validated = io.ringmaster.job.data.DatasetLoader
        .load(DatasetRef.csv(Files.write(dir.resolve("copy.csv"), csv).toString(), "label")).info();
    SpecFileData data = new SpecFileData(fetcher("w"));

    assertThat(data.train(spec, validated, Provenance.getDefaultInstance()).size()).isEqualTo(3);
    assertThat(data.test(spec, validated, Provenance.getDefaultInstance()).size()).isEqualTo(3);
    assertThat(downloads).as("fetched once, then read from the cache").hasValue(1);

    io.ringmaster.job.data.DatasetInfo other = new io.ringmaster.job.data.DatasetInfo(4, 1, 1, 2,
        validated.classes());
    assertThatThrownBy(() -> data.train(spec, other, Provenance.getDefaultInstance()))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("differs from what the coordinator validated");
  }
}
