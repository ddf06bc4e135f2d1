package io.ringmaster.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaleOptionsTest {
  @TempDir Path a;
  @TempDir Path b;

  @Test
  void twoTreesAlternatePerWorkerCountSoThatDriftingLoadFavoursNeither() throws Exception {
    built(a);
    built(b);
    ScaleOptions o = ScaleOptions.parse("--workers", "100,300,1000", "--tree", a.toString(), "--tree", b.toString());
    assertThat(o.runs()).containsExactly(new ScaleOptions.Run(0, 100), new ScaleOptions.Run(1, 100),
        new ScaleOptions.Run(1, 300), new ScaleOptions.Run(0, 300), new ScaleOptions.Run(0, 1000),
        new ScaleOptions.Run(1, 1000));
  }

  @Test
  void aTreeWithoutABuiltCliIsRefusedWithTheBuildCommand() {
    assertThatThrownBy(() -> ScaleOptions.parse("--tree", a.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(a.resolve("cli/target/lib").toString())
        .hasMessageContaining("mvn -o -q -B -DskipTests package -pl cli -am");
  }

  @Test
  void badValuesNameTheFlag() throws Exception {
    built(a);
    assertThatThrownBy(() -> ScaleOptions.parse("--tree", a.toString(), "--workers", "100,many"))
        .hasMessage("--workers expects a number, got 'many'");
    assertThatThrownBy(() -> ScaleOptions.parse("--tree", a.toString(), "--workers", "2"))
        .hasMessageContaining("counts >= 3");
    assertThatThrownBy(() -> ScaleOptions.parse("--epoch-s")).hasMessageStartingWith("--epoch-s needs a value");
    assertThatThrownBy(() -> ScaleOptions.parse("--frobnicate", "1")).hasMessageStartingWith("unknown argument");
  }

  @Test
  void defaultsAreTheIssuesWorkerCounts() throws Exception {
    built(a);
    ScaleOptions o = ScaleOptions.parse("--tree", a.toString());
    assertThat(o.workers()).isEqualTo(List.of(100, 300, 1000));
    assertThat(o.workersPerConnection()).isEqualTo(1);
  }

  private static void built(Path tree) throws Exception {
    Path script = Files.createFile(tree.resolve("ringmaster"));
    script.toFile().setExecutable(true);
    Files.createDirectories(tree.resolve("cli/target/lib"));
  }
}
