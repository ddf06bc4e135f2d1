package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The choice from made-up probe times (ms per step; -1: the build's JVM failed). */
class Nd4jCalibrationTest {
  @TempDir Path dir;

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("a clearly faster build wins", 5.0, 4.6, 4.8, "cpu-avx2"),
        Arguments.of("the fastest of several", 5.0, 4.6, 4.2, "cpu-avx512"),
        Arguments.of("within the margin of generic: generic, which runs everywhere", 5.0, 4.9, -1.0, "cpu-generic"),
        Arguments.of("a build that failed to run is not a candidate", 5.0, -1.0, -1.0, "cpu-generic"),
        Arguments.of("generic failed but another ran: that one", -1.0, 4.9, -1.0, "cpu-avx2"),
        Arguments.of("nothing ran: generic, the fallback", -1.0, -1.0, -1.0, "cpu-generic"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void choosesByMeasurement(String name, double generic, double avx2, double avx512, String expected) {
    Map<String, Double> times = Map.of("cpu-generic", generic, "cpu-avx2", avx2, "cpu-avx512", avx512);
    var choice = Nd4jCalibration.measure(Nd4jBuildsTest.CP, cp -> {
      String build = Nd4jBuilds.available(cp).get(Nd4jBuilds.available(cp).size() - 1); // the one kept
      double ms = times.get(build);
      return ms < 0 ? OptionalDouble.empty() : OptionalDouble.of(ms);
    });
    assertThat(choice.chosen()).isEqualTo(expected);
    assertThat(choice.measured()).containsOnlyKeys("cpu-generic", "cpu-avx512", "cpu-avx2");
  }

  @Test
  void eachBuildIsProbedWithOnlyItsOwnJar() {
    List<String> seen = new java.util.ArrayList<>();
    Nd4jCalibration.measure(Nd4jBuildsTest.CP, cp -> {
      seen.add(String.join(",", Nd4jBuilds.available(cp)));
      return OptionalDouble.of(1);
    });
    assertThat(seen).containsExactly("cpu-generic", "cpu-generic,cpu-avx512", "cpu-generic,cpu-avx2",
        "cpu-generic", "cpu-generic,cpu-avx512", "cpu-generic,cpu-avx2");
  }

  @Test
  void buildsAreProbedInAlternatingRoundsAndKeepTheirFastestRun() {
    List<String> order = new java.util.ArrayList<>();
    double[] avx2 = {9.0, 4.0}; // a burst of load in the first round
    var choice = Nd4jCalibration.measure(Nd4jBuildsTest.CP, cp -> {
      var builds = Nd4jBuilds.available(cp);
      String build = builds.get(builds.size() - 1);
      order.add(build);
      if (build.equals("cpu-avx512")) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(build.equals("cpu-avx2") ? avx2[(int) order.stream().filter(build::equals).count() - 1] : 5.0);
    }, 2);
    assertThat(order).as("a failed build is not probed again")
        .containsExactly("cpu-generic", "cpu-avx512", "cpu-avx2", "cpu-generic", "cpu-avx2");
    assertThat(choice.chosen()).isEqualTo("cpu-avx2");
    assertThat(choice.measured().get("cpu-avx2")).hasValue(4.0);
    assertThat(choice.measured().get("cpu-avx512")).isEmpty();
  }

  @Test
  void theChoiceIsKeptInTheDataDirAndGivesTheWorkerClasspath() throws Exception {
    assertThat(Nd4jCalibration.cached(dir)).isEmpty();
    Nd4jCalibration.save(dir, new Nd4jCalibration.Choice("cpu-avx512", Map.of("cpu-generic", OptionalDouble.of(5),
        "cpu-avx512", OptionalDouble.of(4))));
    assertThat(Nd4jCalibration.cached(dir)).contains("cpu-avx512");
    assertThat(Nd4jBuilds.available(Nd4jCalibration.workerClasspath(Nd4jBuildsTest.CP, dir)))
        .containsExactly("cpu-generic", "cpu-avx512");
  }

  @Test
  void aCachedBuildNoLongerOnTheClasspathFallsBackToCpuFlags() throws Exception {
    Nd4jCalibration.save(dir, new Nd4jCalibration.Choice("cpu-onednn", Map.of()));
    assertThat(Nd4jCalibration.workerClasspath(Nd4jBuildsTest.CP, dir))
        .isEqualTo(WorkerJvmFlags.classpath(Nd4jBuildsTest.CP));
  }

  @Test
  void theProbesLineIsRead() {
    assertThat(Nd4jCalibration.parse(List.of("noise", "nd4j-probe ms-per-step=4.25 library=/x/libnd4jcpu.so")))
        .hasValue(4.25);
    assertThat(Nd4jCalibration.parse(List.of("Exception in thread main"))).isEmpty();
  }

  @Test
  void theDescriptionNamesEveryBuildsTime() {
    var c = new Nd4jCalibration.Choice("cpu-avx2", new java.util.LinkedHashMap<>(Map.of("cpu-generic",
        OptionalDouble.of(5.1))));
    c.measured().put("cpu-avx512", OptionalDouble.empty());
    assertThat(c.describe()).isEqualTo("cpu-avx2 (cpu-generic 5.10 ms a step, cpu-avx512 did not run)");
  }
}
