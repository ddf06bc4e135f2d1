package io.ringmaster.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchOptionsTest {
  @TempDir Path empty;

  @Test
  void aMissingDatasetIsNamedWithTheWayToInstallIt() {
    assertThatThrownBy(() -> BenchOptions.parse("--data", empty.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(empty.resolve("train-images-idx3-ubyte.gz").toString())
        .hasMessageContaining("apt-get install dataset-fashion-mnist");
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> BenchOptions.parse("--rounds", "many"))
        .hasMessageStartingWith("--rounds expects a number");
    assertThatThrownBy(() -> BenchOptions.parse("--rounds")).hasMessageStartingWith("--rounds needs a value");
    assertThatThrownBy(() -> BenchOptions.parse("--frobnicate", "1")).hasMessageContaining("unknown argument");
  }

  @Test
  void theBaselineIntervalIsRequired() {
    assertThatThrownBy(() -> options(3, 50, 10)).hasMessageContaining("must include 0");
    assertThat(options(3, 0, 10).checkpointIntervals()).containsExactly(0, 10);
  }

  @Test
  void aKillNeedsSurvivors() {
    assertThatThrownBy(() -> options(1, 0)).hasMessageContaining("--workers must be >= 2");
  }

  private static BenchOptions options(int workers, Integer... ks) {
    return new BenchOptions(1, 1, java.util.List.of(ks), 1, workers, 2, 128, java.util.List.of(128), 42,
        Path.of("/nonexistent"), null, java.time.Duration.ofMinutes(1));
  }
}
