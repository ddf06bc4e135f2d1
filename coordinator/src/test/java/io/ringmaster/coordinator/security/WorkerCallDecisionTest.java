package io.ringmaster.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ringmaster.job.security.JobCredentials;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision on a worker's job-scoped call ({@link WorkerAuthenticator#callRefusal}), one row per case: the
 * job the call names (metadata {@code ringmaster-job-id}) and the secret it carries.
 */
class WorkerCallDecisionTest {
  static final JobCredentials CREDENTIALS = JobCredentials.withKey(new byte[32]);
  static final JobCredentials OTHER_COORDINATOR = JobCredentials.withKey(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  static final String A = CREDENTIALS.jobSecret("job-a");

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("the named job's secret", "job-a", A, null, "job-a"),
        Arguments.of("no job named", null, A, Status.Code.UNAUTHENTICATED, "must name its job in the 'ringmaster-job-id'"),
        Arguments.of("an empty job named", "", A, Status.Code.UNAUTHENTICATED, "must name its job"),
        Arguments.of("no secret", "job-a", null, Status.Code.UNAUTHENTICATED, "carries no job secret"),
        Arguments.of("an empty secret", "job-a", "", Status.Code.UNAUTHENTICATED, "carries no job secret"),
        Arguments.of("another job's secret", "job-a", CREDENTIALS.jobSecret("job-b"), Status.Code.PERMISSION_DENIED,
            "not the secret of job job-a"),
        Arguments.of("job a's secret naming job b", "job-b", A, Status.Code.PERMISSION_DENIED, "not the secret of job job-b"),
        Arguments.of("one digit off", "job-a", (A.charAt(0) == '0' ? "1" : "0") + A.substring(1),
            Status.Code.PERMISSION_DENIED, "not the secret"),
        Arguments.of("a prefix of the secret", "job-a", A.substring(0, 32), Status.Code.PERMISSION_DENIED, "not the secret"),
        Arguments.of("upper-case hex of the secret", "job-a", A.toUpperCase(java.util.Locale.ROOT),
            Status.Code.PERMISSION_DENIED, "not the secret"),
        Arguments.of("the job's secret from another coordinator's key", "job-a", OTHER_COORDINATOR.jobSecret("job-a"),
            Status.Code.PERMISSION_DENIED, "not the secret"),
        Arguments.of("the job's ring token instead of its secret", "job-a", CREDENTIALS.ringToken("job-a", 1),
            Status.Code.PERMISSION_DENIED, "not the secret"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decidesOnTheNamedJobAndItsSecret(String name, String job, String secret, Status.Code code, String text) {
    // the coordinator's plaintext leniency (anonymous free workers at Hello) changes nothing for these calls
    for (boolean plaintext : new boolean[] {false, true}) {
      Status refused = new WorkerAuthenticator(CREDENTIALS, plaintext).callRefusal("Checkpoints.Download", job, secret);
      if (code == null) {
        assertThat(refused).as("admitted").isNull();
        continue;
      }
      assertThat(refused).isNotNull();
      assertThat(refused.getCode()).isEqualTo(code);
      assertThat(refused.getDescription()).contains("Checkpoints.Download").contains(text)
          .as("never quotes a secret").doesNotContain(A).doesNotContain(CREDENTIALS.jobSecret("job-b"));
    }
  }
}
