package io.ringmaster.job.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.ComputeDevices;
import org.junit.jupiter.api.Test;

class NativeBuildTest {
  @Test
  void aReportedBuildIsItsOwnKey() {
    assertThat(NativeBuild.of(ComputeDevices.newBuilder().setNativeBuild("cpu-generic").build()))
        .isEqualTo("cpu-generic");
  }

  @Test
  void aWorkerThatReportedNoBuildIsUnknown() {
    assertThat(NativeBuild.of(ComputeDevices.getDefaultInstance())).isEqualTo(NativeBuild.UNKNOWN);
    assertThat(NativeBuild.of(ComputeDevices.newBuilder().setBackend("CPU").setNativeBuild(" ").build()))
        .isEqualTo(NativeBuild.UNKNOWN);
    assertThat(NativeBuild.of(null)).isEqualTo(NativeBuild.UNKNOWN);
  }
}
