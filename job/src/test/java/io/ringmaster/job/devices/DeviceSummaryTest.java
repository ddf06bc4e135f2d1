package io.ringmaster.job.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.ComputeDevices;
import org.junit.jupiter.api.Test;

class DeviceSummaryTest {
  @Test
  void aWorkerThatReportedNothingIsADash() {
    assertThat(DeviceSummary.describe(ComputeDevices.getDefaultInstance())).isEqualTo("-");
  }

  @Test
  void cpuIsJustTheBackend() {
    assertThat(DeviceSummary.describe(GpuCheckTest.cpu(""))).isEqualTo("CPU");
  }

  @Test
  void cudaListsEachGpuWithItsMemoryAndTheVisibleDevices() {
    assertThat(DeviceSummary.describe(GpuCheckTest.cuda("2,5", GpuCheckTest.T4, GpuCheckTest.A100)))
        .isEqualTo("CUDA: 2 GPUs (0: Tesla T4, 16.0 GiB; 1: NVIDIA A100), CUDA_VISIBLE_DEVICES=2,5");
  }

  @Test
  void aProblemIsShownInBrackets() {
    assertThat(DeviceSummary.describe(GpuCheckTest.NO_BACKEND))
        .isEqualTo("no backend [the CUDA backend could not load: the NVIDIA driver library libcuda.so.1 is missing]");
  }

  @Test
  void theNativeBuildFollowsTheBackend() {
    assertThat(DeviceSummary.describe(GpuCheckTest.cpu("").toBuilder().setNativeBuild("cpu-avx2").build()))
        .isEqualTo("CPU, build cpu-avx2");
  }
}
