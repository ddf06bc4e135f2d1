package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SparkPreflightTest {
  private static List<String> problems(Map<String, String> conf, int workers) {
    return SparkPreflight.problems(k -> Optional.ofNullable(conf.get(k)), workers, 8);
  }

  @Test
  void enoughLocalSlotsAndNothingElseIsFine() {
    assertThat(problems(Map.of("spark.master", "local[2]"), 2)).isEmpty();
    assertThat(problems(Map.of("spark.master", "local[*]"), 8)).isEmpty();
    assertThat(problems(Map.of("spark.master", "local[4,3]"), 4)).isEmpty();
    assertThat(problems(Map.of("spark.master", "spark://host:7077"), 64)).as("a cluster's slots are Spark's to check").isEmpty();
  }

  @Test
  void tooFewLocalSlotsSaysHowMany() {
    assertThat(problems(Map.of("spark.master", "local[2]"), 3)).singleElement().asString()
        .contains("--workers 3 needs 3 concurrent task slots").contains("has 2").contains("local[3]");
    assertThat(problems(Map.of("spark.master", "local"), 2)).singleElement().asString().contains("has 1");
    assertThat(problems(Map.of("spark.master", "local[4]", "spark.task.cpus", "2"), 3)).singleElement().asString()
        .contains("spark.task.cpus=2").contains("has 2").contains("local[6]");
  }

  @Test
  void dynamicAllocationIsRefused() {
    assertThat(problems(Map.of("spark.master", "yarn", "spark.dynamicAllocation.enabled", "true"), 2))
        .singleElement().asString().contains("spark.dynamicAllocation.enabled=false");
  }

  @Test
  void gpusPerExecutorNeedGpusPerTask() {
    assertThat(problems(Map.of("spark.master", "yarn", "spark.executor.resource.gpu.amount", "2"), 2))
        .singleElement().asString().contains("spark.task.resource.gpu.amount=1");
    assertThat(problems(Map.of("spark.master", "yarn", "spark.executor.resource.gpu.amount", "2",
        "spark.task.resource.gpu.amount", "1"), 2)).isEmpty();
  }

  @Test
  void explainsSparksSlotRefusalFoundAnywhereInTheCauses() {
    var spark = new IllegalStateException("Job aborted", new RuntimeException(
        "[SPARK-24819]: Barrier execution mode does not allow run a barrier stage that requires more slots than the"
            + " total number of slots in the cluster currently.\nmore"));
    assertThat(SparkPreflight.explainSlots(spark, 4)).get().asString()
        .contains("fewer free task slots than --workers 4").contains("SPARK-24819").doesNotContain("more\n");
    assertThat(SparkPreflight.explainSlots(new RuntimeException("disk full"), 4)).isEmpty();
  }

  @Test
  void executorHostIsTheAddressWithoutItsPort() {
    assertThat(BarrierWorkerTask.hostOf("10.1.2.3:40123")).isEqualTo("10.1.2.3");
    assertThat(BarrierWorkerTask.hostOf(":40123")).isEqualTo("127.0.0.1");
  }
}
