package io.ringmaster.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.transfer.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's bounded cache: least recently used out first, pinned files never, on a fake clock. */
class DatasetCacheTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  /** Writes a file of {@code size} bytes into the cache as a fetch would, one second after the last one. */
  String add(DatasetCache cache, int size, int seed) throws Exception {
    byte[] b = new byte[size];
    b[0] = (byte) seed;
    String sha = Sha256.of(b);
    Files.createDirectories(cache.dir());
    Files.write(cache.path(sha), b);
    clock.addAndGet(1_000);
    cache.added(sha);
    return sha;
  }

  @Test
  void theFileUsedLongestAgoGoesFirstAndAFileAJobFindsCountsAsUsed() throws Exception {
    DatasetCache cache = new DatasetCache(dir, 300, clock::get);
    String a = add(cache, 100, 1);
    String b = add(cache, 100, 2);
    String c = add(cache, 100, 3);
    clock.addAndGet(1_000);
    assertThat(cache.lookup(a)).as("a job reads a again").contains(dir.resolve(a));

    String d = add(cache, 100, 4);

    assertThat(dir.resolve(b)).as("b: used longest ago").doesNotExist();
    assertThat(dir.resolve(a)).exists();
    assertThat(dir.resolve(c)).exists();
    assertThat(dir.resolve(d)).exists();
    assertThat(cache.bytes()).isEqualTo(300);
    assertThat(cache.lookup(b)).isEmpty();
  }

  @Test
  void pinnedFilesStayEvenOverTheLimitAndGoOnceUnpinned() throws Exception {
    DatasetCache cache = new DatasetCache(dir, 150, clock::get);
    String a = add(cache, 100, 1);
    DatasetCache.Pin pinA = cache.pin(a);
    DatasetCache.Pin pinB;
    String b;
    pinB = cache.pin(Sha256.of(new byte[] {9})); // pinned before it is fetched, as the fetcher does
    b = add(cache, 100, 2);
    assertThat(b).isNotEqualTo(pinB.sha256());

    assertThat(dir.resolve(a)).as("pinned by the running job").exists();
    assertThat(dir.resolve(b)).as("the newest; a is pinned, so b goes").doesNotExist();

    DatasetCache.Pin again = cache.pin(a); // a second job on the same bytes
    pinA.close();
    pinA.close(); // closing twice releases once: the second job's pin still holds a
    String c = add(cache, 100, 3);
    assertThat(dir.resolve(c)).as("over the limit with a pinned: the unpinned newcomer goes").doesNotExist();
    assertThat(dir.resolve(a)).exists();
    again.close();
    assertThat(cache.evict()).isEmpty(); // 100 bytes: within the limit
    String d = add(cache, 100, 4);
    assertThat(dir.resolve(a)).as("unpinned and older than d").doesNotExist();
    assertThat(dir.resolve(d)).exists();
    pinB.close();
  }

  @Test
  void zeroMeansNoLimitAndTemporaryFilesAreNotCounted() throws Exception {
    DatasetCache cache = new DatasetCache(dir, 0, clock::get);
    for (int i = 0; i < 5; i++) {
      add(cache, 1_000, i);
    }
    Files.write(dir.resolve("abc.tmp-download"), new byte[5_000]);
    assertThat(cache.bytes()).isEqualTo(5_000);
    assertThat(cache.evict()).isEmpty();
    assertThatThrownBy(() -> new DatasetCache(dir, -1, clock::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.pin("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
  }
}
