package io.ringmaster.cli.multihost;

import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.testhosts.NetworkHosts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.EpochMetrics;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * No shared filesystem (issue 9), across five network hosts: the coordinator on host 1, a worker on each
 * of hosts 2, 3 and 4 (each with its own data directory), and a client on host 5 that runs the {@code
 * ringmaster} command as a user would: it pushes the Fashion-MNIST files as datasets, submits a 3-worker job
 * that names them (by dataset, never by path, so the workers can only get the bytes over gRPC), and
 * downloads the model once the job has trained, byte for byte the file rank 0 wrote on its own host.
 */
class CrossHostArtifactsTest {
  static final int TRAIN = 1_500;
  static final int TEST = 300;
  static final int WORKERS = 3;
  private static final Pattern SHA = Pattern.compile("^sha256 ([0-9a-f]{64})$", Pattern.MULTILINE);
  private static final Pattern JOB_ID = Pattern.compile("^(artifacts-[0-9a-f]{6})$", Pattern.MULTILINE);

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
  void aClientOnAFifthHostUploadsTheDataThreeWorkersTrainAndTheModelComesBackByteForByte() throws Exception {
    Path out = Path.of(System.getProperty("user.dir"), "target", "cross-host", "artifacts");
    deleteTree(out);
    cluster = CrossHostCluster.start(out, WORKERS, 1);
    NetworkHosts.Host client = cluster.clientHost(1);
    Path clientDir = out.resolve("client").toAbsolutePath();
    FashionSubset data = FashionSubset.write(clientDir.resolve("data"), TRAIN, TEST);

    String pushed = cluster.runClient(client, "client-push", Duration.ofSeconds(90), "datasets", "push",
        data.trainImages().toString(), data.trainLabels().toString(), data.testImages().toString(),
        data.testLabels().toString());
    List<String> hashes = new ArrayList<>();
    Matcher m = SHA.matcher(pushed);
    while (m.find()) {
      hashes.add(m.group(1));
    }
    assertThat(hashes).as("the four files pushed from %s:\n%s", client, pushed).hasSize(4);
    assertThat(hashes.get(0)).isEqualTo(Sha256.ofFile(data.trainImages()));

    Path job = Files.writeString(clientDir.resolve("job.yaml"), """
        name: artifacts
        model: {architecture: mlp, hidden: [64]}
        data:
          train: {dataset: train-images.idx, labelsDataset: train-labels.idx}
          test: {dataset: test-images.idx, labelsDataset: test-labels.idx}
        epochs: 2
        batchSize: 30
        updater: {type: adam, learningRate: 0.002}
        seed: 7
        workers: %d
        resources: {heapMb: 512, offheapMb: 512}
        """.formatted(WORKERS));
    String submitted = cluster.runClient(client, "client-submit", Duration.ofSeconds(60), "submit", job.toString());
    Matcher id = JOB_ID.matcher(submitted);
    assertThat(id.find()).as("submit prints the job's id:\n%s", submitted).isTrue();
    Job done = cluster.awaitEnd(id.group(1), Duration.ofSeconds(180));

    assertThat(done.getState()).as(cluster.diagnosis(done.getId())).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getEpochsList()).hasSize(2).allSatisfy(e -> {
      assertThat(e.getSamples()).isEqualTo(TRAIN);
      assertThat(e.getTestSamples()).isEqualTo(TEST);
    });
    assertThat(done.getEpochsList()).extracting(EpochMetrics::getWorkers).containsOnly(WORKERS);
    assertThat(done.getWorkersList()).extracting(WorkerStatus::getHost).as("one worker on each of hosts 2-4")
        .containsExactlyInAnyOrderElementsOf(cluster.workerHosts().stream().map(NetworkHosts.Host::address).toList());
    assertThat(done.getSpec().getData().getTrain().getDataset()).as("the name was pinned to its hash")
        .isEqualTo(hashes.get(0));
    for (NetworkHosts.Host h : cluster.workerHosts()) {
      Path cache = cluster.workerDataDir(h).resolve("cache");
      for (String sha : hashes) {
        assertThat(Sha256.ofFile(cache.resolve(sha))).as("%s fetched and verified %s", h, sha).isEqualTo(sha);
      }
      assertThat(cluster.workers.get(h).log()).contains("fetched").contains("SHA-256 verified");
    }

    WorkerStatus rank0 = done.getWorkersList().stream().filter(w -> w.getRank() == 0).findFirst().orElseThrow();
    NetworkHosts.Host rank0Host = cluster.workerHosts().stream().filter(h -> h.address().equals(rank0.getHost()))
        .findFirst().orElseThrow();
    Path saved = cluster.workerDataDir(rank0Host).resolve("models").resolve(done.getId()).resolve("model.zip");
    Path downloaded = clientDir.resolve("downloaded").resolve("model.zip");
    String download = cluster.runClient(client, "client-download", Duration.ofSeconds(60), "download", done.getId(),
        "-o", downloaded.toString());
    assertThat(download).contains("Saved the model of job " + done.getId());
    assertThat(Files.readAllBytes(downloaded)).as("downloaded on %s: what rank 0 saved on %s", client, rank0Host)
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
