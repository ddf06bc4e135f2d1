package io.ringmaster.coordinator.datasets;

import static io.ringmaster.coordinator.datasets.SampleFiles.announce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.datasets.DatasetStoreException.Kind;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.UploadStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets per tenant (issue #10): what one tenant stored is invisible to another, answered exactly as
 * bytes nobody stored, and content addressing tells nothing across tenants.
 */
class DatasetTenancyTest {
  static final DatasetScope A = DatasetScope.only("team-a");
  static final DatasetScope B = DatasetScope.only("team-b");
  static final DatasetScope ADMIN = new DatasetScope("ops", true);

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  DatasetStore store;
  byte[] images;
  String sha;

  @BeforeEach
  void open() throws Exception {
    store = reopen();
    images = SampleFiles.idxImages(6, 4, 4, 7);
    sha = push(A, "imgs", images).getDataset().getSha256();
  }

  DatasetStore reopen() throws Exception {
    return new DatasetStore(dir, new DatasetLimits(100_000, 0, 8, Duration.ofMinutes(10)), clock::get);
  }

  UploadStatus push(DatasetScope scope, String name, byte[] bytes) throws Exception {
    UploadStatus s = store.start(scope, announce(name, bytes));
    return s.hasDataset() ? s : store.append(scope, s.getUploadId(), 0, bytes);
  }

  /** One way of reaching a dataset; throws what the store answers. */
  interface Probe {
    Object run(DatasetScope scope, String ref) throws Exception;
  }

  @Test
  void anotherTenantsDatasetIsAnsweredExactlyAsAnUnknownOne() throws Exception {
    String unknownSha = Sha256.of("nobody stored this".getBytes(StandardCharsets.UTF_8));
    Map<String, Probe> probes = Map.of(
        "get", store::get,
        "resolve", store::resolve,
        "delete", (s, ref) -> store.delete(s, ref, DatasetUsage.NONE),
        "find (SubmitJob)", (s, ref) -> store.find(s, ref).orElseThrow(
            () -> new DatasetStoreException(Kind.NOT_FOUND, "not found")));
    // reference of A's dataset -> the unknown reference whose answer it must equal
    Map<String, String> refs = Map.of("imgs", "nothing-here", sha, unknownSha, "team-a/imgs", "team-a/nothing-here");
    for (var probe : probes.entrySet()) {
      for (var ref : refs.entrySet()) {
        String row = probe.getKey() + " " + ref.getKey();
        DatasetStoreException foreign = refusal(() -> probe.getValue().run(B, ref.getKey()), row);
        DatasetStoreException unknown = refusal(() -> probe.getValue().run(B, ref.getValue()), row);
        assertThat(foreign.kind()).as(row).isEqualTo(Kind.NOT_FOUND);
        assertThat(foreign.getMessage()).as(row)
            .isEqualTo(unknown.getMessage().replace(ref.getValue(), ref.getKey()));
      }
    }
    assertThat(store.list(B)).isEmpty();
    assertThat(store.get(A, "imgs").getSha256()).as("A's dataset is still there").isEqualTo(sha);
    assertThat(store.get(A, sha).getTenant()).isEqualTo("team-a");
  }

  private static DatasetStoreException refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      String row) {
    List<DatasetStoreException> caught = new ArrayList<>();
    assertThatThrownBy(call).as(row).isInstanceOfSatisfying(DatasetStoreException.class, caught::add);
    return caught.get(0);
  }

  @Test
  void pushingBytesAnotherTenantStoredNeedsTheWholeUploadAndRevealsNothing() throws Exception {
    clock.addAndGet(60_000);
    UploadStatus opened = store.start(B, announce("mine", images));
    UploadStatus fresh = store.start(B, announce("new", SampleFiles.idxImages(6, 4, 4, 8)));

    assertThat(opened.hasDataset()).as("not 'already stored'").isFalse();
    assertThat(opened.getOffset()).isZero();
    assertThat(opened.getUploadId()).isNotEmpty();
    assertThat(opened.toBuilder().clearUploadId().build()).as("the same answer as for bytes nobody stored")
        .isEqualTo(fresh.toBuilder().clearUploadId().build());

    // bytes that are not the announced ones are refused as for any upload: the stored copy is not used
    byte[] wrong = images.clone();
    wrong[20] ^= 1;
    assertThat(refusal(() -> store.append(B, opened.getUploadId(), 0, wrong), "wrong bytes").kind())
        .isEqualTo(Kind.CORRUPT);
    assertThat(store.list(B)).extracting(Dataset::getSha256).doesNotContain(sha);

    UploadStatus again = store.start(B, announce("mine", images));
    Dataset d = store.append(B, again.getUploadId(), 0, images).getDataset();
    assertThat(d.getSha256()).isEqualTo(sha);
    assertThat(d.getTenant()).isEqualTo("team-b");
    assertThat(d.getCreatedAtMs()).as("B's own time, not when A stored the bytes").isEqualTo(clock.get());
    assertThat(store.get(A, "imgs").getCreatedAtMs()).isEqualTo(1_000_000);
    try (Stream<Path> blobs = Files.list(dir.resolve("blobs"))) {
      assertThat(blobs.filter(p -> Sha256.isHex(p.getFileName().toString()))).as("stored once").hasSize(1);
    }
    assertThat(store.start(B, announce("alias", images)).hasDataset()).as("B holds them now").isTrue();
  }

  @Test
  void anUnfinishedUploadIsItsTenantsOnly() throws Exception {
    byte[] labels = SampleFiles.idxLabels(500, 7);
    UploadStatus a = store.start(A, announce("labels", labels));
    store.append(A, a.getUploadId(), 0, Arrays.copyOf(labels, 300));

    UploadStatus b = store.start(B, announce("labels", labels));
    assertThat(b.getUploadId()).as("B does not resume A's upload").isNotEqualTo(a.getUploadId());
    assertThat(b.getOffset()).as("nor learns how far it got").isZero();
    DatasetStoreException status = refusal(() -> store.status(B, a.getUploadId()), "status");
    DatasetStoreException append = refusal(() -> store.append(B, a.getUploadId(), 300, new byte[1]), "append");
    assertThat(List.of(status.kind(), append.kind())).containsOnly(Kind.NOT_FOUND);
    assertThat(status.getMessage()).isEqualTo(refusal(() -> store.status(B, "no-such-upload"), "unknown")
        .getMessage().replace("no-such-upload", a.getUploadId()));

    store = reopen(); // tenants survive a restart
    assertThat(store.start(A, announce("labels", labels)).getOffset()).isEqualTo(300);
    assertThat(refusal(() -> store.status(B, a.getUploadId()), "after restart").kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void deletingIsPerTenantAndRefusedOnlyForTheTenantsOwnJobs() throws Exception {
    push(B, "same", images);
    DatasetUsage bUses = new DatasetUsage() {
      @Override
      public List<String> jobsUsing(String h) {
        return h.equals(sha) ? List.of("job-of-b") : List.of();
      }

      @Override
      public String tenantOf(String jobId) {
        return "team-b";
      }
    };

    Dataset deleted = store.delete(A, "imgs", bUses);
    assertThat(deleted.getSha256()).as("B's job is not A's concern, nor named to A").isEqualTo(sha);
    assertThat(store.list(A)).isEmpty();
    assertThat(store.get(B, "same").getSha256()).as("B still holds the bytes").isEqualTo(sha);
    assertThat(store.blob(sha)).isPresent();

    DatasetStoreException inUse = refusal(() -> store.delete(B, "same", bUses), "B's own job");
    assertThat(inUse.kind()).isEqualTo(Kind.IN_USE);
    assertThat(inUse.getMessage()).contains("job-of-b");
    store.delete(B, sha, DatasetUsage.NONE);
    assertThat(store.blob(sha)).as("nobody holds them and no job uses them").isEmpty();
  }

  @Test
  void bytesAnAdminsJobStillReadsOutliveTheirLastHolderUntilTheJobEnds() throws Exception {
    List<String> using = new ArrayList<>(List.of("admin-job"));
    DatasetUsage usage = new DatasetUsage() {
      @Override
      public List<String> jobsUsing(String h) {
        return List.copyOf(using);
      }

      @Override
      public String tenantOf(String jobId) {
        return "ops";
      }
    };
    store.delete(A, "imgs", usage);
    assertThat(store.blob(sha)).as("the admin's job reads them").isPresent();
    assertThat(refusal(() -> store.get(A, sha), "A let go").kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(store.collectUnheld(usage)).isZero();

    using.clear();
    assertThat(store.collectUnheld(usage)).isEqualTo(1);
    assertThat(store.blob(sha)).isEmpty();
  }

  @Test
  void adminsSeeEveryTenantsDatasetsWithTheirTenant() throws Exception {
    push(B, "b-labels", SampleFiles.idxLabels(6, 3));

    assertThat(store.list(ADMIN)).extracting(Dataset::getTenant, Dataset::getName).containsExactly(
        org.assertj.core.groups.Tuple.tuple("team-a", "imgs"),
        org.assertj.core.groups.Tuple.tuple("team-b", "b-labels"));
    assertThat(store.get(ADMIN, "team-a/imgs").getSha256()).isEqualTo(sha);
    assertThat(store.get(ADMIN, sha).getSha256()).isEqualTo(sha);
    assertThat(refusal(() -> store.get(ADMIN, "imgs"), "a plain name is the admin's own tenant's").kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(store.find(ADMIN, "team-b/b-labels")).isPresent();

    push(B, "same", images);
    store.delete(ADMIN, sha, DatasetUsage.NONE);
    assertThat(store.list(ADMIN)).as("by hash, an admin deletes for every tenant")
        .extracting(Dataset::getName).containsExactly("b-labels");
    assertThat(store.blob(sha)).isEmpty();
  }

  @Test
  void tenantNamesNeverBecomePathsOutsideTheStore() throws Exception {
    for (String bad : List.of("../x", "_", "a/b", "Team-A", "-a", ".", "")) {
      if (!bad.isEmpty()) {
        assertThatThrownBy(() -> new DatasetScope(bad, false)).as(bad).isInstanceOf(IllegalArgumentException.class);
      }
      for (String ref : List.of(bad + "/imgs", "../team-a/imgs", "team-a/../team-a/imgs", "./imgs")) {
        assertThat(refusal(() -> store.get(ADMIN, ref), ref).kind()).as(ref).isEqualTo(Kind.NOT_FOUND);
      }
    }
    assertThat(store.get(ADMIN, "team-a/imgs").getSha256()).isEqualTo(sha);
  }

  @Test
  void aStoreFromBeforeTenantsIsMigratedToNoTenantWhichOnlyAdminsSee() throws Exception {
    Path old = dir.resolve("v1");
    Files.createDirectories(old.resolve("blobs"));
    Files.createDirectories(old.resolve("names"));
    byte[] labels = SampleFiles.idxLabels(9, 3);
    String labelsSha = Sha256.of(labels);
    Files.write(old.resolve("blobs").resolve(labelsSha), labels);
    Files.write(old.resolve("blobs").resolve(labelsSha + ".meta"), Dataset.newBuilder().setSha256(labelsSha)
        .setSizeBytes(labels.length).setFormat(Dataset.Format.FORMAT_IDX_LABELS).setSamples(9).setClasses(3)
        .setCreatedAtMs(42).build().toByteArray());
    Files.writeString(old.resolve("names").resolve("old-labels"), labelsSha);

    store = new DatasetStore(old, new DatasetLimits(100_000, 0, 8, Duration.ofMinutes(10)), clock::get);

    assertThat(old.resolve("names")).doesNotExist();
    assertThat(store.list(ADMIN)).singleElement().satisfies(d -> {
      assertThat(d.getName()).isEqualTo("old-labels");
      assertThat(d.getTenant()).isEmpty();
      assertThat(d.getCreatedAtMs()).isEqualTo(42);
    });
    assertThat(store.list(A)).isEmpty();
    assertThat(refusal(() -> store.get(A, labelsSha), "tenant").kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(store.get(DatasetScope.EVERY_TENANT, "old-labels").getSha256())
        .as("a coordinator without authentication sees them as before").isEqualTo(labelsSha);
    assertThat(store.start(DatasetScope.EVERY_TENANT, announce("again", labels)).hasDataset()).isTrue();
  }
}
