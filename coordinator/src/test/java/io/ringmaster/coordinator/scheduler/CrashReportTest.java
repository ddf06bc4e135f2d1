package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, defect 3: a crashing worker JVM writes its {@code hs_err_pid*.log} into the job's log
 * directory (not the coordinator's working directory), and the exit the job is told about names it. The
 * "JVM" is a script that crashes as a JVM does: it writes the report where {@code -XX:ErrorFile} says and
 * exits with SIGABRT's code.
 */
class CrashReportTest {
  @TempDir Path dir;

  @Test
  void theCrashReportGoesToTheJobsLogsAndIntoTheExitsCause() throws Exception {
    Path fakeJava = dir.resolve("crashing-java.sh");
    Files.writeString(fakeJava, """
        #!/bin/sh
        for a in "$@"; do
          case "$a" in -XX:ErrorFile=*) f="${a#-XX:ErrorFile=}" ;; esac
        done
        f=$(printf '%s' "$f" | sed "s/%p/$$/")
        echo "# A fatal error has been detected by the Java Runtime Environment" > "$f"
        exit 134
        """);
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
    Path cwd = Path.of("").toAbsolutePath();
    LocalProcessScheduler scheduler = new LocalProcessScheduler(new LocalProcessScheduler.Options(
        fakeJava.toString(), "unused.jar", List.of(), "127.0.0.1", 1000));
    CompletableFuture<WorkerExit> exited = new CompletableFuture<>();
    Path jobDir = dir.resolve("jobs").resolve("job-1");

    scheduler.launch(new LaunchRequest("job-1", 0, 1, jobDir, ResourceSpec.DEFAULTS, "127.0.0.1:1",
        exited::complete));

    WorkerExit exit = exited.get(30, TimeUnit.SECONDS);
    Path report = jobDir.resolve("logs").resolve("hs_err_pid" + exit.pid() + ".log");
    assertThat(report).exists();
    assertThat(exit.exitCode()).isEqualTo(134);
    assertThat(exit.describeExit()).contains("SIGABRT").contains("crash report is " + report);
    try (var files = Files.list(cwd)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.equals("hs_err_pid" + exit.pid()
          + ".log"));
    }
    scheduler.close();
  }
}
