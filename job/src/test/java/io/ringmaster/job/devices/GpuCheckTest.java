package io.ringmaster.job.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GpuDevice;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GpuCheck}'s decision table, on devices made up by the test (no GPU needed). */
class GpuCheckTest {
  static final GpuDevice T4 = GpuDevice.newBuilder().setIndex(0).setName("Tesla T4").setTotalMemoryBytes(16L << 30)
      .build();
  static final GpuDevice A100 = GpuDevice.newBuilder().setIndex(1).setName("NVIDIA A100").build();

  static ComputeDevices cpu(String problem) {
    return ComputeDevices.newBuilder().setBackend("CPU").setProblem(problem).build();
  }

  static ComputeDevices cuda(String visible, GpuDevice... gpus) {
    return ComputeDevices.newBuilder().setBackend("CUDA").addAllGpus(List.of(gpus)).setCudaVisibleDevices(visible)
        .build();
  }

  static final ComputeDevices NO_BACKEND = ComputeDevices.newBuilder()
      .setProblem("the CUDA backend could not load: the NVIDIA driver library libcuda.so.1 is missing").build();

  /** gpus asked, devices found, null when fine or the fragments the refusal must contain. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(0, cpu(""), null),
        Arguments.of(0, NO_BACKEND, null),
        Arguments.of(0, ComputeDevices.getDefaultInstance(), null),
        Arguments.of(1, cpu(""), List.of("asks for 1 GPU(s) per worker (spec.resources.gpus = 1)",
            "runs ND4J's CPU backend (nd4j-native) and no GPU", "set spec.resources.gpus to 0")),
        Arguments.of(1, cpu("nd4j-cuda is on the classpath but found no usable GPU"), List.of(
            "CPU backend", "(nd4j-cuda is on the classpath but found no usable GPU)")),
        Arguments.of(2, NO_BACKEND, List.of("could not load any ND4J backend",
            "libcuda.so.1 is missing")),
        Arguments.of(1, ComputeDevices.getDefaultInstance(), List.of("could not load any ND4J backend")),
        Arguments.of(1, cuda(""), List.of("CUDA backend sees no GPU")),
        Arguments.of(2, cuda("3", T4), List.of("asks for 2 GPU(s)", "sees 1 GPU(s): 0: Tesla T4, 16.0 GiB",
            "with CUDA_VISIBLE_DEVICES=3", "or ask for fewer")),
        Arguments.of(1, cuda("", T4), null),
        Arguments.of(2, cuda("0,1", T4, A100), null),
        Arguments.of(1, cuda("", T4, A100), null));
  }

  @ParameterizedTest(name = "[{index}] {0} GPU(s) on {1}")
  @MethodSource("table")
  void decides(int gpus, ComputeDevices found, List<String> refusal) {
    Optional<String> problem = GpuCheck.problem(gpus, found);
    if (refusal == null) {
      assertThat(problem).isEmpty();
    } else {
      assertThat(problem).hasValueSatisfying(p -> {
        for (String fragment : refusal) {
          assertThat(p).contains(fragment);
        }
        assertThat(p).doesNotContain("Exception").doesNotContain("UnsatisfiedLinkError");
      });
    }
  }
}
