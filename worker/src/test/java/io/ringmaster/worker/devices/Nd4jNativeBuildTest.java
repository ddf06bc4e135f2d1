package io.ringmaster.worker.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The build name from the libraries JavaCPP loaded (paths as JavaCPP's cache lays them out). */
class Nd4jNativeBuildTest {
  private static final String CACHE = "/root/.javacpp/cache/";
  private static final String BINDINGS = "/org/nd4j/linalg/cpu/nativecpu/bindings/";

  static Stream<Arguments> libraries() {
    return Stream.of(
        Arguments.of("generic classifier", Map.of("nd4jcpu",
            CACHE + "nd4j-native-1.0.0-M2.1-linux-x86_64.jar" + BINDINGS + "linux-x86_64/libnd4jcpu.so"), "cpu-generic"),
        Arguments.of("avx2 classifier", Map.of("nd4jcpu",
            CACHE + "nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar" + BINDINGS + "linux-x86_64-avx2/libnd4jcpu.so",
            "openblas@.0", CACHE + "openblas-0.3.19-1.5.7-linux-x86_64.jar/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"),
            "cpu-avx2"),
        Arguments.of("avx512 classifier", Map.of("nd4jcpu",
            CACHE + "nd4j-native-1.0.0-M2.1-linux-x86_64-avx512.jar" + BINDINGS + "linux-x86_64-avx512/libnd4jcpu.so"),
            "cpu-avx512"),
        Arguments.of("oneDNN avx2 classifier", Map.of("nd4jcpu",
            CACHE + "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar" + BINDINGS
                + "linux-x86_64-onednn-avx2/libnd4jcpu.so"), "cpu-onednn-avx2"),
        Arguments.of("CUDA 11.6", Map.of("nd4jcuda", CACHE + "nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar"
            + "/org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so"), "cuda-11.6"),
        Arguments.of("library from a system directory: not recognised", Map.of("nd4jcpu", "/usr/lib/libnd4jcpu.so"), ""),
        Arguments.of("ND4J's library not loaded", Map.of("jnijavacpp", "/x/linux-x86_64/libjnijavacpp.so"), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraries")
  void namesTheLoadedBuild(String name, Map<String, String> loaded, String expected) {
    assertThat(Nd4jNativeBuild.name(loaded, "linux-x86_64")).isEqualTo(expected);
  }
}
