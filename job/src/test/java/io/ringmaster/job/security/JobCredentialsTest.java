package io.ringmaster.job.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCredentialsTest {
  @TempDir Path dir;

  @Test
  void secretsDifferPerJobAndRingAndSurviveARestartThroughTheKeyFile() throws Exception {
    JobCredentials first = JobCredentials.inDirectory(dir);
    JobCredentials again = JobCredentials.inDirectory(dir);

    assertThat(first.jobSecret("a")).isEqualTo(again.jobSecret("a")).hasSize(64);
    assertThat(first.jobSecret("a")).isNotEqualTo(first.jobSecret("b"));
    assertThat(first.ringToken("a", 1)).isNotEqualTo(first.ringToken("a", 2)).isNotEqualTo(first.jobSecret("a"));
    assertThat(JobCredentials.random().jobSecret("a")).isNotEqualTo(first.jobSecret("a"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(JobCredentials.KEY_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void onlyTheExactSecretIsAccepted() {
    JobCredentials c = JobCredentials.random();
    String s = c.jobSecret("job-1");

    assertThat(c.isJobSecret("job-1", s)).isTrue();
    assertThat(c.isJobSecret("job-2", s)).isFalse();
    assertThat(c.isJobSecret("job-1", s.substring(1))).isFalse();
    assertThat(c.isJobSecret("job-1", "")).isFalse();
    assertThat(c.isJobSecret("job-1", null)).isFalse();
    assertThat(c.toString()).doesNotContain(s);
  }
}
