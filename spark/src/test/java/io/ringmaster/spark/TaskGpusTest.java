package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** A task's GPU addresses (as Spark hands them over) to CUDA device ordinals, without a GPU. */
class TaskGpusTest {
  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of(TaskGpus.RESOURCE, new ResourceInformation(TaskGpus.RESOURCE, addresses));
  }

  @Test
  void aTaskWithoutGpusTrainsOnTheCpu() {
    assertThat(TaskGpus.device(Map.of(), Map.of())).isEmpty();
    assertThat(TaskGpus.device(gpus(), Map.of())).isEmpty();
  }

  @Test
  void theAddressIsTheOrdinalUnlessCudaVisibleDevicesRenumbersThem() {
    assertThat(TaskGpus.device(gpus("1"), Map.of())).hasValue(1);
    assertThat(TaskGpus.device(gpus("3", "2"), Map.of())).as("the first address").hasValue(3);
    assertThat(TaskGpus.device(gpus("3"), Map.of(TaskGpus.VISIBLE, "2, 3"))).as("position in the list").hasValue(1);
    assertThat(TaskGpus.device(gpus("GPU-b"), Map.of(TaskGpus.VISIBLE, "GPU-a,GPU-b"))).hasValue(1);
  }

  @Test
  void anAddressCudaCannotSeeIsNamed() {
    assertThatThrownBy(() -> TaskGpus.device(gpus("5"), Map.of(TaskGpus.VISIBLE, "2,3")))
        .hasMessageContaining("address 5").hasMessageContaining("CUDA_VISIBLE_DEVICES=2,3");
    assertThatThrownBy(() -> TaskGpus.device(gpus("GPU-b"), Map.of())).hasMessageContaining("numeric device indices");
  }

  @Test
  void theWorkersJobThreadIsTheBoundOne() throws Exception {
    var env = TaskGpus.environment(0);
    try {
      assertThat(env.jobThread().submit(() -> Thread.currentThread().getName()).get()).isEqualTo("worker-job-gpu0");
    } finally {
      env.jobThread().shutdownNow();
      env.timer().shutdownNow();
      env.uploads().shutdownNow();
    }
  }
}
