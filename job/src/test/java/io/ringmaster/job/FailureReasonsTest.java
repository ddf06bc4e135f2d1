package io.ringmaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.FailureReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureReasonsTest {
  @ParameterizedTest
  @CsvSource({
      "FAILURE_REASON_WORKER_LOST, WorkerLost",
      "FAILURE_REASON_NON_FINITE, NonFinite",
      "FAILURE_REASON_IO_ERROR, IoError",
      "FAILURE_REASON_NO_PROGRESS, NoProgress",
      "FAILURE_REASON_GPU_UNAVAILABLE, GpuUnavailable",
      "FAILURE_REASON_UNSPECIFIED, ''",
  })
  void displaysCamelCaseWithoutThePrefix(FailureReason reason, String shown) {
    assertThat(FailureReasons.display(reason)).isEqualTo(shown);
  }
}
