package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.scheduler.HostGpus.HostGpu;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link NvidiaProcGpus} on a made-up driver directory, shaped as the NVIDIA driver writes it. */
class NvidiaProcGpusTest {
  @TempDir Path dir;

  @BeforeEach
  void twoGpus() throws Exception {
    gpu("0000:3b:00.0", "Tesla T4", "GPU-1111-aaaa", 1);
    gpu("0000:1a:00.0", "Tesla T4", "GPU-0000-bbbb", 0);
    Files.createDirectories(dir.resolve("0000:5e:00.0")); // no information file: skipped
  }

  private void gpu(String bus, String model, String uuid, int minor) throws Exception {
    Path d = Files.createDirectories(dir.resolve(bus));
    Files.writeString(d.resolve("information"), """
        Model: \t\t %s
        IRQ:   \t\t 154
        GPU UUID: \t %s
        Video BIOS: \t 90.04.38.00.03
        Bus Type: \t PCIe
        DMA Size: \t 47 bits
        Device Minor: \t %d
        GPU Excluded:\t No
        """.formatted(model, uuid, minor));
  }

  @Test
  void readsEveryGpuInDeviceMinorOrder() {
    assertThat(new NvidiaProcGpus(dir, null).list()).containsExactly(
        new HostGpu(0, "Tesla T4", "GPU-0000-bbbb"), new HostGpu(1, "Tesla T4", "GPU-1111-aaaa"));
  }

  @Test
  void aMachineWithoutTheDriverHasNone() {
    assertThat(new NvidiaProcGpus(dir.resolve("absent"), null).list()).isEmpty();
  }

  @ParameterizedTest(name = "CUDA_VISIBLE_DEVICES=''{0}'' -> {1}")
  @CsvSource(value = {
      "1|1",
      "1,0|1,0",
      "GPU-0000|0",
      "''|''",
      "-1|''",
      "0,-1,1|0",
      "NoDevFiles|''",
      "7,1|1",
  }, delimiter = '|')
  void theCoordinatorsOwnCudaVisibleDevicesLimitsWhatIsHandedOut(String visible, String indices) {
    String got = String.join(",", new NvidiaProcGpus(dir, visible).list().stream()
        .map(g -> Integer.toString(g.index())).toList());
    assertThat(got).isEqualTo(indices);
  }
}
