package io.ringmaster.coordinator.datasets;

import static io.ringmaster.coordinator.datasets.DatasetScope.EVERY_TENANT;
import static io.ringmaster.coordinator.datasets.SampleFiles.announce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.datasets.DatasetStoreException.Kind;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content-addressed store: uploads (resume, corruption, limits, expiry), catalogue, deletion. */
class DatasetStoreTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  DatasetStore store;

  @BeforeEach
  void open() throws Exception {
    store = reopen();
  }

  DatasetStore reopen() throws Exception {
    return new DatasetStore(dir, new DatasetLimits(10_000, 0, 8, Duration.ofMinutes(10)), clock::get);
  }

  UploadStatus push(String name, byte[] bytes) throws Exception {
    UploadStatus s = store.start(EVERY_TENANT, announce(name, bytes));
    if (s.hasDataset()) {
      return s;
    }
    return store.append(EVERY_TENANT, s.getUploadId(), 0, bytes);
  }

  @Test
  void anUploadIsDescribedAndListed() throws Exception {
    byte[] images = SampleFiles.idxImages(5, 4, 3, 1);
    Dataset d = push("train-images", images).getDataset();

    assertThat(d.getName()).isEqualTo("train-images");
    assertThat(d.getSha256()).isEqualTo(Sha256.of(images));
    assertThat(d.getSizeBytes()).isEqualTo(images.length);
    assertThat(d.getFormat()).isEqualTo(Dataset.Format.FORMAT_IDX_IMAGES);
    assertThat(d.getSamples()).isEqualTo(5);
    assertThat(d.getSampleShapeList()).containsExactly(4L, 3L);

    Dataset labels = push("train-labels", SampleFiles.idxLabels(5, 3)).getDataset();
    assertThat(labels.getFormat()).isEqualTo(Dataset.Format.FORMAT_IDX_LABELS);
    assertThat(labels.getClasses()).isEqualTo(3);
    Dataset csv = push("table.csv", SampleFiles.csv()).getDataset();
    assertThat(csv.getFormat()).isEqualTo(Dataset.Format.FORMAT_CSV);
    assertThat(csv.getSamples()).isEqualTo(2);
    assertThat(csv.getSampleShapeList()).containsExactly(3L);
    assertThat(csv.getClasses()).isEqualTo(3);

    Dataset otherLabel = push("y.csv", "a,b,y\n1,2,0\n3,4,1\n5,6,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .getDataset();
    assertThat(otherLabel.getFormat()).as("a job names its label column").isEqualTo(Dataset.Format.FORMAT_CSV);
    assertThat(otherLabel.getSamples()).isEqualTo(3);
    assertThat(otherLabel.getSampleShapeList()).containsExactly(3L);
    assertThat(otherLabel.getClasses()).isZero();

    assertThat(store.list(EVERY_TENANT)).extracting(Dataset::getName)
        .containsExactly("table.csv", "train-images", "train-labels", "y.csv");
    assertThat(store.get(EVERY_TENANT, d.getSha256()).getSamples()).isEqualTo(5);
    assertThat(store.get(EVERY_TENANT, "train-images").getSha256()).isEqualTo(d.getSha256());
  }

  @Test
  void theSameBytesAreStoredOnce() throws Exception {
    byte[] labels = SampleFiles.idxLabels(7, 2);
    push("a", labels);
    UploadStatus second = store.start(EVERY_TENANT, announce("b", labels));

    assertThat(second.hasDataset()).as("nothing to send: the bytes are known").isTrue();
    assertThat(second.getUploadId()).isEmpty();
    try (Stream<Path> blobs = Files.list(dir.resolve("blobs"))) {
      assertThat(blobs.filter(p -> Sha256.isHex(p.getFileName().toString()))).hasSize(1);
    }
    assertThat(store.resolve(EVERY_TENANT, "a")).isEqualTo(store.resolve(EVERY_TENANT, "b"));
  }

  @Test
  void anInterruptedUploadResumesAtItsOffsetEvenAfterARestart() throws Exception {
    byte[] images = SampleFiles.idxImages(20, 10, 10, 3);
    UploadStatus s = store.start(EVERY_TENANT, announce("big", images));
    store.append(EVERY_TENANT, s.getUploadId(), 0, Arrays.copyOf(images, 700));

    store = reopen(); // the coordinator restarted; the client asks again
    UploadStatus resumed = store.start(EVERY_TENANT, announce("big", images));
    assertThat(resumed.getUploadId()).isEqualTo(s.getUploadId());
    assertThat(resumed.getOffset()).isEqualTo(700);

    assertThatThrownBy(() -> store.append(EVERY_TENANT, s.getUploadId(), 0, images))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.WRONG_OFFSET))
        .hasMessageContaining("send from 700");
    UploadStatus done = store.append(EVERY_TENANT, s.getUploadId(), 700, Arrays.copyOfRange(images, 700, images.length));
    assertThat(done.getDataset().getSha256()).isEqualTo(Sha256.of(images));
    assertThat(Files.readAllBytes(store.blob(Sha256.of(images)).orElseThrow())).isEqualTo(images);
  }

  @Test
  void bytesThatDoNotMatchTheAnnouncedHashAreRefusedAndTheUploadDeleted() throws Exception {
    byte[] labels = SampleFiles.idxLabels(9, 3);
    UploadStatus s = store.start(EVERY_TENANT, announce("labels", labels));
    byte[] corrupt = labels.clone();
    corrupt[12] ^= 1;

    assertThatThrownBy(() -> store.append(EVERY_TENANT, s.getUploadId(), 0, corrupt))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
        .hasMessageContaining("start it again");
    assertThat(store.list(EVERY_TENANT)).isEmpty();
    assertThatThrownBy(() -> store.status(EVERY_TENANT, s.getUploadId()))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    try (Stream<Path> left = Files.list(dir.resolve("uploads"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void limitsAndNamesAreChecked() throws Exception {
    assertThatThrownBy(() -> store.start(EVERY_TENANT, SampleFiles.announce("huge", new byte[10_001])))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
        .hasMessageContaining("at most 10000");
    assertThatThrownBy(() -> store.start(EVERY_TENANT, SampleFiles.announce("../etc", new byte[3])))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
    UploadStatus s = store.start(EVERY_TENANT, announce("x", new byte[4]));
    assertThatThrownBy(() -> store.append(EVERY_TENANT, s.getUploadId(), 0, new byte[5]))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("announced 4 bytes");
  }

  @Test
  void aFileThatIsNoDatasetIsRefused() throws Exception {
    byte[] junk = {0, 0, 8, 3, 0, 0, 0, 9}; // IDX images magic with a truncated header
    UploadStatus s = store.start(EVERY_TENANT, announce("junk", junk));
    assertThatThrownBy(() -> store.append(EVERY_TENANT, s.getUploadId(), 0, junk))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("not a dataset file");
  }

  @Test
  void deletingIsRefusedWhileAJobUsesTheBytes() throws Exception {
    String sha = push("labels", SampleFiles.idxLabels(4, 2)).getDataset().getSha256();
    push("alias", SampleFiles.idxLabels(4, 2));

    assertThatThrownBy(() -> store.delete(EVERY_TENANT, "labels", h -> h.equals(sha) ? List.of("job-7") : List.of()))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.IN_USE))
        .hasMessageContaining("job-7");
    assertThat(store.blob(sha)).isPresent();

    store.delete(EVERY_TENANT, "labels", DatasetUsage.NONE);
    assertThat(store.blob(sha)).isEmpty();
    assertThat(store.list(EVERY_TENANT)).as("every name of the bytes goes with them").isEmpty();
    assertThatThrownBy(() -> store.get(EVERY_TENANT, "alias"))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void anUploadUntouchedForTheTimeoutIsCleanedUp() throws Exception {
    byte[] labels = SampleFiles.idxLabels(100, 5);
    UploadStatus s = store.start(EVERY_TENANT, announce("slow", labels));
    store.append(EVERY_TENANT, s.getUploadId(), 0, Arrays.copyOf(labels, 50));

    clock.addAndGet(Duration.ofMinutes(9).toMillis());
    assertThat(store.sweepExpired()).isZero();
    store.append(EVERY_TENANT, s.getUploadId(), 50, Arrays.copyOfRange(labels, 50, 60)); // touched: the timeout restarts
    clock.addAndGet(Duration.ofMinutes(9).toMillis());
    assertThat(store.sweepExpired()).isZero();
    clock.addAndGet(Duration.ofMinutes(2).toMillis());
    assertThat(store.sweepExpired()).isEqualTo(1);

    assertThatThrownBy(() -> store.append(EVERY_TENANT, s.getUploadId(), 60, new byte[1]))
        .isInstanceOfSatisfying(DatasetStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    try (Stream<Path> left = Files.list(dir.resolve("uploads"))) {
      assertThat(left).isEmpty();
    }
  }
}
