package io.ringmaster.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM writes jobs in a loop and reports each one after {@code put} returned; it is
 * killed with SIGKILL mid-loop, and every job it reported must be in the reopened store, intact. While
 * it runs, the file is locked against a second process.
 */
class SqliteJobStoreCrashTest {
  @TempDir Path dir;

  @Test
  void everyReportedWriteSurvivesKillMinus9() throws Exception {
    Path db = dir.resolve("ringmaster.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classpath, CrashingWriterMain.class.getName(), db.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    List<String> reported = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).as("child opened the store").isEqualTo("open");
      // while the child holds the file, a second coordinator (this JVM) is refused
      assertThatThrownBy(() -> SqliteJobStore.open(db, Duration.ofMillis(50)))
          .isInstanceOfSatisfying(JobStoreException.class,
              e -> assertThat(e.kind()).isEqualTo(JobStoreException.Kind.LOCKED));
      // let it write a while, then kill it wherever it is: most of its time is spent inside put
      for (int i = 0; i < 150; i++) {
        String line = out.readLine();
        assertThat(line).as("child still writing after %d jobs", i).isNotNull();
        reported.add(line);
      }
      // SIGKILL through the handle: Process.destroyForcibly() would also close our end of its stdout
      assertThat(child.toHandle().destroyForcibly()).as("SIGKILL sent").isTrue();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
      // ids printed before the kill and still in the pipe; a torn last line is not a report
      String line;
      while ((line = out.readLine()) != null) {
        if (line.matches("crash-\\d{6}")) {
          reported.add(line);
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    try (SqliteJobStore store = SqliteJobStore.open(db)) {
      for (int i = 0; i < reported.size(); i++) {
        String id = reported.get(i);
        assertThat(id).isEqualTo(String.format("crash-%06d", i));
        assertThat(store.get(id)).as("job %s reported as written", id)
            .contains(CrashingWriterMain.job(id, i));
      }
      System.out.printf("crash test: child reported %d writes before SIGKILL, reopened store holds %d%n",
          reported.size(), store.list().size());
      // at most the job in flight when the kill landed is there without having been reported
      assertThat(store.list().size()).isBetween(reported.size(), reported.size() + 1);
    }
  }
}
