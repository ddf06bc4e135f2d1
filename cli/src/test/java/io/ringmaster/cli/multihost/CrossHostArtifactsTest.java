package io.ringmaster.cli.multihost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.job.transfer.FileReceiver;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * No shared filesystem (issue 9), across network hosts: the test JVM (a client on the bridge) uploads the
 * data to the coordinator on host 1; the workers on hosts 2 and 3, each with its own data directory, can only
 * get it over gRPC (the spec names it by dataset, never by path); the job trains to the end; the model is
 * downloaded by the client and is byte for byte the file rank 0 wrote.
 */
class CrossHostArtifactsTest {
  static final int TRAIN = 2_000;
  static final int TEST = 400;

  @TempDir Path tmp;
  CrossHostCluster cluster;

  @RegisterExtension
  final TestWatcher printLogsOnFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println(context.getDisplayName() + " failed; the processes' logs:\n" + cluster.net.report(80));
      }
    }
  };

  @BeforeAll
  static void needsRootAndIproute2() {
    NetworkHosts.assumeAvailable(); // a failure under CI=true
    assumeTrue(Files.isDirectory(FashionSubset.DATASET),
        () -> "skipped: no " + FashionSubset.DATASET + " (apt-get install dataset-fashion-mnist; scripts/setup.sh does)");
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void dataUploadedByAClientReachesWorkersOverGrpcAndTheModelComesBackByteForByte() throws Exception {
    FashionSubset data = FashionSubset.write(tmp.resolve("client-data"), TRAIN, TEST);
    Path out = Path.of(System.getProperty("user.dir"), "target", "cross-host", "artifacts");
    deleteTree(out);
    cluster = CrossHostCluster.start(out, 2);
    DatasetUploader uploader = new DatasetUploader(cluster.channel());
    List<String> hashes = new ArrayList<>();
    for (Path f : List.of(data.trainImages(), data.trainLabels(), data.testImages(), data.testLabels())) {
      hashes.add(uploader.upload(f, f.getFileName().toString(), n -> { }).getDataset().getSha256());
    }

    String yaml = """
        name: artifacts
        model: {architecture: mlp, hidden: [64]}
        data:
          train: {dataset: train-images.idx, labelsDataset: train-labels.idx}
          test: {dataset: test-images.idx, labelsDataset: test-labels.idx}
        epochs: 2
        batchSize: 50
        updater: {type: adam, learningRate: 0.002}
        seed: 7
        workers: 2
        resources: {heapMb: 512, offheapMb: 512}
        """;
    String id = cluster.submit(SpecProtos.toProto(JobSpecYaml.parse(yaml, tmp))).id();
    Job done = cluster.awaitEnd(id, Duration.ofSeconds(120));

    assertThat(done.getState()).as(cluster.diagnosis(id)).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.getEpochsList()).hasSize(2).allSatisfy(e -> assertThat(e.getSamples()).isEqualTo(TRAIN));
    assertThat(done.getSpec().getData().getTrain().getDataset()).as("the name was pinned to its hash")
        .isEqualTo(hashes.get(0));
    for (NetworkHosts.Host h : List.of(cluster.net.host(2), cluster.net.host(3))) {
      Path cache = cluster.workerDataDir(h).resolve("cache");
      for (String sha : hashes) {
        assertThat(Sha256.ofFile(cache.resolve(sha))).as("%s fetched and verified %s", h, sha).isEqualTo(sha);
      }
      assertThat(cluster.workers.get(h).log()).contains("fetched").contains("SHA-256 verified");
    }

    WorkerStatus rank0 = done.getWorkersList().stream().filter(w -> w.getRank() == 0).findFirst().orElseThrow();
    NetworkHosts.Host rank0Host = cluster.net.hosts().stream().filter(h -> h.address().equals(rank0.getHost()))
        .findFirst().orElseThrow();
    Path saved = cluster.workerDataDir(rank0Host).resolve("models").resolve(id).resolve("model.zip");
    Path downloaded = tmp.resolve("downloaded").resolve("model.zip");
    FileReceiver.receive(DatasetServiceGrpc.newBlockingStub(cluster.channel())
        .getModel(GetModelRequest.newBuilder().setJobId(id).build()), downloaded, null, n -> { });
    assertThat(Files.readAllBytes(downloaded)).as("what rank 0 saved on %s", rank0Host)
        .isEqualTo(Files.readAllBytes(saved));
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + downloaded.toUri()), Map.of())) {
      String provenance = Files.readString(zip.getPath("provenance.json"));
      assertThat(provenance).contains(done.getId()).contains("\"seed\" : 7").contains("final_metrics");
      hashes.forEach(h -> assertThat(provenance).contains(h));
      assertThat(zip.getPath("coefficients.bin")).exists();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
