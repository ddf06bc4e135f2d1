package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.coordinator.scheduler.HostGpus.HostGpu;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GpuSlots} on made-up machines: who gets which GPU, and what a refusal says. */
class GpuSlotsTest {
  static final HostGpu G0 = new HostGpu(0, "NVIDIA A100", "GPU-aaaa");
  static final HostGpu G1 = new HostGpu(1, "NVIDIA A100", "GPU-bbbb");
  static final HostGpu G2 = new HostGpu(2, "Tesla T4", "");
  static final HostGpu G3 = new HostGpu(3, "Tesla T4", "");

  /** machine, workers, GPUs per worker, CUDA_VISIBLE_DEVICES per worker (null: refused). */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(List.of(G0, G1), 2, 1, List.of("GPU-aaaa", "GPU-bbbb")),
        Arguments.of(List.of(G0, G1, G2, G3), 2, 2, List.of("GPU-aaaa,GPU-bbbb", "2,3")),
        Arguments.of(List.of(G2, G3), 1, 1, List.of("2")),
        Arguments.of(List.of(G0, G1, G2), 4, 1, null),
        Arguments.of(List.of(G0), 1, 2, null),
        Arguments.of(List.of(), 1, 1, null));
  }

  @ParameterizedTest(name = "[{index}] {1} worker(s) x {2} GPU(s) on {0}")
  @MethodSource("table")
  void handsOutFreeGpusLowestFirstOrRefusesTheWholeLaunch(List<HostGpu> machine, int workers, int perWorker,
      List<String> expected) throws Exception {
    GpuSlots slots = new GpuSlots(() -> machine);
    if (expected == null) {
      assertThatThrownBy(() -> slots.take("j", 0, workers, perWorker))
          .isInstanceOf(GpuSlots.ShortageException.class)
          .hasMessageContaining("asks for " + perWorker + " GPU(s) per worker (spec.resources.gpus = " + perWorker
              + ") for " + workers + " worker(s)");
      assertThat(slots.held()).as("nothing taken").isEmpty();
    } else {
      assertThat(slots.take("j", 0, workers, perWorker)).extracting(GpuSlots::visibleDevices)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aMachineWithoutGpusIsNamedAsSuch() {
    GpuSlots slots = new GpuSlots(HostGpus.none());
    assertThatThrownBy(() -> slots.take("j", 0, 2, 1))
        .hasMessageContaining("this machine shows the coordinator no NVIDIA GPU")
        .hasMessageContaining("set spec.resources.gpus to 0");
  }

  @Test
  void aRefusalNamesTheMachinesGpusAndWhoHoldsThemAndReleasingFreesThem() throws Exception {
    GpuSlots slots = new GpuSlots(() -> List.of(G0, G1));
    slots.take("a", 0, 1, 1);
    slots.take("a", 1, 1, 1);

    assertThatThrownBy(() -> slots.take("b", 0, 1, 1))
        .hasMessageContaining("this machine has 2 GPU(s): 0 (NVIDIA A100), 1 (NVIDIA A100), 0 free")
        .hasMessageContaining("held: 0 by job a worker 0, 1 by job a worker 1");

    slots.release("a", 1); // worker 1's process ended: its replacement may have its GPU
    assertThat(slots.take("a", 2, 1, 1)).singleElement().isEqualTo(List.of(G1));
    slots.release("a");
    assertThat(slots.held()).isEmpty();
    assertThat(slots.take("b", 0, 2, 1)).hasSize(2);
  }
}
