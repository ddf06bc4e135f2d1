package io.ringmaster.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link JobStore} contract for {@link CachedJobStore} over SQLite, and what it loads at start. */
class CachedJobStoreTest extends JobStoreContractTest {
  @TempDir Path dir;

  @Override
  JobStore newStore() {
    return new CachedJobStore(SqliteJobStore.open(dir.resolve("jobs.db")));
  }

  @Test
  void startsWithWhatTheDurableStoreHoldsAndWritesThrough() {
    store.put(job("a", 1000, io.ringmaster.proto.v1.JobState.JOB_STATE_SUCCEEDED));
    store.put(job("b", 2000, io.ringmaster.proto.v1.JobState.JOB_STATE_QUEUED));
    store.delete("b");
    store.close();

    store = new CachedJobStore(SqliteJobStore.open(dir.resolve("jobs.db")));
    assertThat(store.list()).extracting(io.ringmaster.proto.v1.Job::getId).containsExactly("a");
    assertThat(store.durable()).isTrue();
  }
}
