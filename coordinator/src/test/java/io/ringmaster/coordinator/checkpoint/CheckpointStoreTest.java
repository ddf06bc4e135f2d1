package io.ringmaster.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.coordinator.store.SqliteJobStore;
import io.ringmaster.job.testing.SampleCheckpoints;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;
  JobStore refs;
  CheckpointStore store;
  final List<String> problems = new ArrayList<>();

  @BeforeEach
  void setUp() {
    refs = new InMemoryJobStore();
    store = new CheckpointStore(dir.resolve("jobs"), refs, 3, () -> 99L);
  }

  Path checkpoints(String job) {
    return dir.resolve("jobs").resolve(job).resolve("checkpoints");
  }

  List<String> files(String job) throws Exception {
    try (var s = Files.list(checkpoints(job))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void savedCheckpointIsAFileAndAReference() throws Exception {
    Checkpoint c = SampleCheckpoints.of("job-a", 2, 153, 5_000);
    CheckpointRef ref = store.save("job-a", c);

    Path file = checkpoints("job-a").resolve("e0002-s000153.ckpt").toAbsolutePath();
    assertThat(ref.getJobId()).isEqualTo("job-a");
    assertThat(ref.getId()).isEqualTo("e0002-s000153");
    assertThat(ref.getEpoch()).isEqualTo(2);
    assertThat(ref.getStep()).isEqualTo(153);
    assertThat(ref.getPath()).isEqualTo(file.toString());
    assertThat(ref.getSizeBytes()).isEqualTo(Files.size(file));
    assertThat(ref.getSha256()).hasSize(64);
    assertThat(ref.getCreatedAtMs()).isEqualTo(c.getCreatedAtMs());
    assertThat(refs.checkpoints("job-a")).containsExactly(ref);
    assertThat(store.find("job-a", "e0002-s000153")).contains(ref);
    assertThat(store.load(ref)).isEqualTo(c);
  }

  @Test
  void missingJobIdAndTimeAreFilledIn() throws Exception {
    Checkpoint c = SampleCheckpoints.of("x", 1, 5, 10).toBuilder().clearJobId().clearCreatedAtMs().build();
    CheckpointRef ref = store.save("job-b", c);
    assertThat(ref.getCreatedAtMs()).isEqualTo(99L);
    assertThat(store.load(ref).getJobId()).isEqualTo("job-b");
  }

  @Test
  void retentionKeepsTheNewestK() throws Exception {
    for (int step = 10; step <= 50; step += 10) {
      store.save("job-a", SampleCheckpoints.of("job-a", 1, step, 100));
    }
    store.save("job-b", SampleCheckpoints.of("job-b", 1, 1, 100));

    assertThat(store.list("job-a")).extracting(CheckpointRef::getId)
        .containsExactly("e0001-s000050", "e0001-s000040", "e0001-s000030");
    assertThat(files("job-a")).containsExactly("e0001-s000030.ckpt", "e0001-s000040.ckpt", "e0001-s000050.ckpt");
    assertThat(files("job-b")).containsExactly("e0001-s000001.ckpt");
  }

  @Test
  void savingCleansUpLeftoversOfInterruptedSaves() throws Exception {
    Files.createDirectories(checkpoints("job-a"));
    Files.write(checkpoints("job-a").resolve(".e0001-s000007.ckpt.123456.tmp"), new byte[100]);
    Files.write(checkpoints("job-a").resolve("e0001-s000007.ckpt"), new byte[100]); // never referenced
    Files.writeString(checkpoints("job-a").resolve("notes.txt"), "the user's file stays");

    store.save("job-a", SampleCheckpoints.of("job-a", 1, 8, 100));

    assertThat(files("job-a")).containsExactly("e0001-s000008.ckpt", "notes.txt");
  }

  @Test
  void newestValidFallsBackPastACorruptCheckpointAndSaysSo() throws Exception {
    for (int step = 10; step <= 30; step += 10) {
      store.save("job-a", SampleCheckpoints.of("job-a", 2, step, 1_000));
    }
    SampleCheckpoints.flipByte(checkpoints("job-a").resolve("e0002-s000030.ckpt"), 100);

    Optional<LoadedCheckpoint> got = store.newestValid("job-a", problems::add);

    assertThat(got).isPresent();
    assertThat(got.get().ref().getId()).isEqualTo("e0002-s000020");
    assertThat(got.get().checkpoint()).isEqualTo(SampleCheckpoints.of("job-a", 2, 20, 1_000));
    assertThat(problems).containsExactly(
        "checkpoint e0002-s000030 of job job-a is corrupt (ChecksumMismatch): using e0002-s000020 instead");
  }

  @Test
  void newestValidSkipsMissingAndTruncatedFilesAndReportsWhenNothingIsLeft() throws Exception {
    for (int step = 10; step <= 30; step += 10) {
      store.save("job-a", SampleCheckpoints.of("job-a", 1, step, 1_000));
    }
    Files.delete(checkpoints("job-a").resolve("e0001-s000030.ckpt"));
    try (var f = new java.io.RandomAccessFile(checkpoints("job-a").resolve("e0001-s000020.ckpt").toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }

    assertThat(store.newestValid("job-a", problems::add)).map(l -> l.ref().getId()).contains("e0001-s000010");
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).startsWith("checkpoint e0001-s000030 of job job-a is missing (no file ")
        .endsWith(": using e0001-s000010 instead");
    assertThat(problems.get(1))
        .isEqualTo("checkpoint e0001-s000020 of job job-a is corrupt (Truncated): using e0001-s000010 instead");

    problems.clear();
    SampleCheckpoints.flipByte(checkpoints("job-a").resolve("e0001-s000010.ckpt"), 0);
    assertThat(store.newestValid("job-a", problems::add)).isEmpty();
    assertThat(problems).hasSize(3).allSatisfy(p -> assertThat(p).endsWith(": no older valid checkpoint is left"));
    assertThat(problems.get(2)).contains("e0001-s000010").contains("(BadMagic)");
    assertThat(store.newestValid("no-such-job", problems::add)).isEmpty();
  }

  @Test
  void aFileReplacedByAnotherCheckpointIsDetected() throws Exception {
    CheckpointRef first = store.save("job-a", SampleCheckpoints.of("job-a", 1, 10, 100));
    CheckpointRef second = store.save("job-a", SampleCheckpoints.of("job-a", 1, 20, 100));
    Files.copy(Path.of(first.getPath()), Path.of(second.getPath()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> store.load(second))
        .isInstanceOfSatisfying(CorruptCheckpointException.class,
            e -> assertThat(e.reason()).isEqualTo("WrongCheckpoint"));
    assertThat(store.newestValid("job-a", problems::add)).map(l -> l.ref().getId()).contains("e0001-s000010");
  }

  @Test
  void checkpointsOfAnotherJobOrWithUnsafeIdsAreRefused() {
    assertThatThrownBy(() -> store.save("job-a", SampleCheckpoints.of("job-b", 1, 1, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job 'job-b'");
    assertThatThrownBy(() -> store.save("../etc", SampleCheckpoints.of("../etc", 1, 1, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot name a checkpoint directory");
    assertThatThrownBy(() -> store.save("job-a", SampleCheckpoints.of("job-a", 0, 1, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs count from 1");
    Checkpoint inconsistent = SampleCheckpoints.of("job-a", 1, 1, 10).toBuilder().setNumParams(11).build();
    assertThatThrownBy(() -> store.save("job-a", inconsistent))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_params 11");
    assertThat(Files.exists(dir.resolve("jobs"))).isFalse();
  }

  @Test
  void concurrentSavesOfOneJobKeepExactlyK() throws Exception {
    List<CompletableFuture<CheckpointRef>> saves = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      saves.add(CompletableFuture.supplyAsync(() -> {
        CheckpointRef last = null;
        for (int i = 0; i < 5; i++) {
          try {
            last = store.save("job-a", SampleCheckpoints.of("job-a", 1, thread * 100 + i, 1_000));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return last;
      }));
    }
    for (CompletableFuture<CheckpointRef> f : saves) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(store.list("job-a")).extracting(CheckpointRef::getId)
        .containsExactly("e0001-s000304", "e0001-s000303", "e0001-s000302");
    assertThat(files("job-a")).hasSize(3);
  }

  @Test
  void referencesSurviveAReopenedSqliteStore() throws Exception {
    Path db = dir.resolve("ringmaster.db");
    CheckpointRef ref;
    try (SqliteJobStore sqlite = SqliteJobStore.open(db)) {
      ref = new CheckpointStore(dir.resolve("jobs"), sqlite).save("job-a", SampleCheckpoints.of("job-a", 3, 7, 100));
    }
    try (SqliteJobStore sqlite = SqliteJobStore.open(db)) {
      CheckpointStore again = new CheckpointStore(dir.resolve("jobs"), sqlite);
      assertThat(again.newestValid("job-a", problems::add)).map(LoadedCheckpoint::ref).contains(ref);
      assertThat(problems).isEmpty();
    }
  }

  @Test
  void fiveMegabyteSaveAndLoadTimes() throws Exception {
    Checkpoint big = SampleCheckpoints.fiveMegabytes("job-a", 1, 0);
    long[] save = new long[7];
    long[] load = new long[7];
    for (int i = 0; i < save.length; i++) {
      Checkpoint c = big.toBuilder().setStep(i).build();
      long t0 = System.nanoTime();
      CheckpointRef ref = store.save("job-a", c);
      long t1 = System.nanoTime();
      Checkpoint back = store.load(ref);
      long t2 = System.nanoTime();
      assertThat(back.getParams()).isEqualTo(c.getParams());
      save[i] = t1 - t0;
      load[i] = t2 - t1;
    }
    Arrays.sort(save);
    Arrays.sort(load);
    System.out.printf("5 MB checkpoint (%d bytes on disk): save median %.1f ms (min %.1f), load median %.1f ms "
        + "(min %.1f), over %d runs%n", Files.size(Path.of(store.list("job-a").get(0).getPath())),
        save[3] / 1e6, save[0] / 1e6, load[3] / 1e6, load[0] / 1e6, save.length);
  }
}
