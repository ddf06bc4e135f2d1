package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import org.junit.jupiter.api.Test;

class Nd4jBuildsTest {
  private static final String M2 = "/root/.m2/repository/org/nd4j/nd4j-native/1.0.0-M2.1/";
  static final String CP = String.join(File.pathSeparator, "/app/classes", M2 + "nd4j-native-1.0.0-M2.1.jar",
      M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64-avx512.jar", M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
      M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar", "/libs/openblas-0.3.19-1.5.7-linux-x86_64.jar");

  @Test
  void theBuildsOnTheClasspathGenericFirst() {
    assertThat(Nd4jBuilds.available(CP)).containsExactly("cpu-generic", "cpu-avx512", "cpu-avx2");
  }

  @Test
  void aBuildsClasspathLeavesOutEveryOtherExtensionJarAndKeepsTheRest() {
    assertThat(Nd4jBuilds.classpathFor(CP, "cpu-avx2").split(File.pathSeparator)).containsExactly("/app/classes",
        M2 + "nd4j-native-1.0.0-M2.1.jar", M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
        M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar", "/libs/openblas-0.3.19-1.5.7-linux-x86_64.jar");
    assertThat(Nd4jBuilds.classpathFor(CP, "cpu-generic")).doesNotContain("avx");
  }

  @Test
  void onlyNd4jNativePlatformJarsAreBuilds() {
    assertThat(Nd4jBuilds.buildOf(M2 + "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar")).isEqualTo("cpu-onednn-avx2");
    assertThat(Nd4jBuilds.buildOf(M2 + "nd4j-native-1.0.0-M2.1.jar")).isNull();
    assertThat(Nd4jBuilds.buildOf("/libs/openblas-0.3.19-1.5.7-linux-x86_64.jar")).isNull();
  }
}
