package io.ringmaster.cli.multihost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 across real network hosts: a coordinator with {@code --scheduler external} on host 1 and a
 * hand-started worker on each of hosts 2 and 3 ({@link CrossHostCluster} on {@link NetworkHosts}), each
 * its own JVM, small real data (3,000 Fashion-MNIST samples) and short fault-tolerance timeouts.
 */
class CrossHostJobsTest {
  static final int TRAIN = 3_000;
  static final int TEST = 500;
  /** workerTimeoutS 3: a silent worker is evicted after 3 s instead of 6. */
  static final String FAST_FAULTS = "{workerTimeoutS: 3, stallWarningS: 2, stallTimeoutS: 10}";

  @TempDir Path tmp;
  /** Logs and job directories, kept after the run: target/cross-host/METHOD. */
  Path out;

  @BeforeEach
  void outputDirectory(TestInfo test) throws IOException {
    out = Path.of(System.getProperty("user.dir"), "target", "cross-host", test.getTestMethod().orElseThrow().getName());
    if (Files.exists(out)) {
      try (var files = Files.walk(out)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @BeforeAll
  static void needsRootAndIproute2() {
    String why = NetworkHosts.unavailableBecause();
    assumeTrue(why == null, () -> "skipped: " + why);
    assumeTrue(Files.isDirectory(FashionFiles.DATASET),
        () -> "skipped: no " + FashionFiles.DATASET + " (apt-get install dataset-fashion-mnist; scripts/setup.sh does)");
  }

  @Test
  void twoWorkersOnTwoHostsTrainAJob() throws Exception {
    FashionFiles data = FashionFiles.write(tmp.resolve("data"), TRAIN, TEST);
    try (CrossHostCluster c = CrossHostCluster.start(out, 2)) {
      String id = c.submit(CrossHostCluster.spec(data, "plain", 2, 2, 30, FAST_FAULTS)).id();
      Job done = c.awaitEnd(id, Duration.ofSeconds(90));
      assertSucceededOnAllSamples(c, done, 2);
      assertThat(ids(done)).isEqualTo(Set.of(c.workerId(c.net.host(2)), c.workerId(c.net.host(3))));
      assertThat(done.getWorkersList()).extracting(WorkerStatus::getHost)
          .containsExactlyInAnyOrder(c.net.host(2).address(), c.net.host(3).address());
    }
  }

  private static void assertSucceededOnAllSamples(CrossHostCluster c, Job done, int epochs) {
    assertThat(done.getState()).as(() -> "job " + done.getId() + ": " + done.getMessage() + "\n" + c.diagnosis(done.getId()))
        .isEqualTo(JobState.SUCCEEDED);
    assertThat(done.getEpochsList()).hasSize(epochs);
    for (EpochMetrics e : done.getEpochsList()) {
      assertThat(e.getSamples()).as("training samples of epoch %d of %s", e.getEpoch(), done.getId()).isEqualTo(TRAIN);
      assertThat(e.getTestSamples()).as("test samples of epoch %d of %s", e.getEpoch(), done.getId()).isEqualTo(TEST);
    }
  }

  private static Set<String> ids(Job j) {
    return j.getWorkersList().stream().map(WorkerStatus::getWorkerId).collect(Collectors.toSet());
  }
}
