package io.ringmaster.coordinator.datasets;

import static io.ringmaster.coordinator.datasets.DatasetScope.EVERY_TENANT;
import static io.ringmaster.coordinator.datasets.SampleFiles.announce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringmaster.coordinator.datasets.DatasetStoreException.Kind;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.UploadStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset store's limits (coordinator settings {@code datasets.*}): the store's total size with
 * unfinished uploads reserving their size, the number of unfinished uploads, their expiry on a fake clock,
 * and the gRPC status a client sees.
 */
class DatasetLimitsTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(5_000_000);

  DatasetStore store(long maxStore, int maxUploads, Duration expiry) throws Exception {
    return new DatasetStore(dir, new DatasetLimits(100_000, maxStore, maxUploads, expiry), clock::get);
  }

  static DatasetStoreException.Kind kindOf(Throwable e) {
    return ((DatasetStoreException) e).kind();
  }

  @Test
  void unfinishedUploadsReserveTheirSizeSoTheStoreIsNeverOverfilled() throws Exception {
    byte[] a = SampleFiles.idxImages(10, 10, 10, 1); // 1,016 bytes each
    byte[] b = SampleFiles.idxImages(10, 10, 10, 2);
    byte[] c = SampleFiles.idxImages(10, 10, 10, 3);
    DatasetStore store = store(2_100, 8, Duration.ofMinutes(10));

    UploadStatus first = store.start(EVERY_TENANT, announce("a", a));
    store.start(EVERY_TENANT, announce("b", b)); // a and b reserve 2,032 of 2,100 before a byte has arrived
    assertThatThrownBy(() -> store.start(EVERY_TENANT, announce("c", c)))
        .satisfies(e -> assertThat(kindOf(e)).isEqualTo(Kind.LIMIT))
        .hasMessageContaining("dataset c (1016 bytes) does not fit")
        .hasMessageContaining("0 bytes of datasets and 2032 bytes reserved by 2 unfinished upload(s)")
        .hasMessageContaining("at most 2100").hasMessageContaining("--max-dataset-store-mb")
        .hasMessageContaining("ringmaster datasets rm");

    store.append(EVERY_TENANT, first.getUploadId(), 0, a);
    assertThat(store.bytesHeld()).as("a stored, b still reserved").isEqualTo(2_032);
    assertThat(store.start(EVERY_TENANT, announce("a-again", a)).hasDataset())
        .as("bytes already stored only get another name; they take no room").isTrue();
    assertThatThrownBy(() -> store.start(EVERY_TENANT, announce("c", c))).satisfies(e -> assertThat(kindOf(e)).isEqualTo(Kind.LIMIT))
        .hasMessageContaining("1016 bytes of datasets and 1016 bytes reserved by 1 unfinished upload(s)");

    store.delete(EVERY_TENANT, "a", sha -> List.of());
    assertThat(store.start(EVERY_TENANT, announce("c", c)).hasDataset()).as("room again once a is deleted").isFalse();
    assertThat(store.bytesHeld()).isEqualTo(2_032);
  }

  @Test
  void newUploadsBeyondTheLimitAreRefusedUntilOneFinishesOrExpiresAndAResumeTakesNoSlot() throws Exception {
    byte[] a = SampleFiles.idxLabels(100, 10);
    byte[] b = SampleFiles.idxLabels(101, 10);
    byte[] c = SampleFiles.idxLabels(102, 10);
    DatasetStore store = store(0, 2, Duration.ofMinutes(10));
    UploadStatus ua = store.start(EVERY_TENANT, announce("a", a));
    clock.addAndGet(Duration.ofMinutes(4).toMillis());
    UploadStatus ub = store.start(EVERY_TENANT, announce("b", b));

    assertThat(store.start(EVERY_TENANT, announce("a", a)).getUploadId()).as("pushing a again resumes it: no new slot")
        .isEqualTo(ua.getUploadId());
    clock.addAndGet(Duration.ofMinutes(3).toMillis());
    assertThatThrownBy(() -> store.start(EVERY_TENANT, announce("c", c)))
        .satisfies(e -> assertThat(kindOf(e)).isEqualTo(Kind.LIMIT))
        .hasMessageContaining("already has 2 unfinished upload(s)")
        .hasMessageContaining("--max-concurrent-uploads = 2")
        .hasMessageContaining("deleted after 600 s untouched (the quietest has been untouched for 180 s)")
        .hasMessageContaining("push the same file again: it resumes");

    store.append(EVERY_TENANT, ub.getUploadId(), 0, b);
    UploadStatus uc = store.start(EVERY_TENANT, announce("c", c));
    assertThat(uc.getUploadId()).as("b finished: its slot is free").isNotEmpty();

    clock.addAndGet(Duration.ofMinutes(8).toMillis()); // a untouched for 11 min, c for 8
    assertThat(store.sweepExpired()).as("a expired").isEqualTo(1);
    assertThat(store.start(EVERY_TENANT, announce("d", SampleFiles.idxLabels(103, 10))).getUploadId())
        .as("the expired upload's slot is free").isNotEmpty();
    assertThat(store.bytesHeld()).isEqualTo(b.length + c.length + 103 + 8);
  }

  @Test
  void aClientSeesResourceExhaustedWithTheMessage() throws Exception {
    DatasetStore store = store(0, 1, Duration.ofMinutes(10));
    String name = InProcessServerBuilder.generateName();
    JobFiles none = new JobFiles() {
      @Override
      public Optional<io.ringmaster.proto.v1.Job> job(String jobId) {
        return Optional.empty();
      }

      @Override
      public Optional<Path> dataFile(String sha256) {
        return Optional.empty();
      }

      @Override
      public List<String> jobsUsing(String sha256) {
        return List.of();
      }
    };
    Server server = InProcessServerBuilder.forName(name).addService(io.grpc.ServerInterceptors.intercept(
        new DatasetServiceImpl(store, none), io.ringmaster.coordinator.auth.ClientAuthInterceptor.disabled())).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      var stub = DatasetServiceGrpc.newBlockingStub(channel);
      stub.startUpload(announce("a", SampleFiles.idxLabels(10, 2)));
      assertThatThrownBy(() -> stub.startUpload(announce("b", SampleFiles.idxLabels(11, 2))))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("dataset b: this coordinator already has 1"
                + " unfinished upload(s)");
          });
      assertThatThrownBy(() -> stub.startUpload(announce("big", new byte[100_001])))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("at most 100000 per dataset")
                .contains("--max-dataset-mb");
          });
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
