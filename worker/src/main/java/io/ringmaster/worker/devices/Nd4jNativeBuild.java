package io.ringmaster.worker.devices;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the ND4J native build this process loaded, from the libraries JavaCPP actually loaded
 * ({@code org.bytedeco.javacpp.Loader.getLoadedLibraries()}: library name to file), not from CPU flags:
 * a CPU with AVX2 may still run the generic build when only that jar is on the classpath.
 *
 * <p>JavaCPP unpacks each native library into a directory named after its platform and the classifier's
 * extension, e.g. {@code .../nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar/.../linux-x86_64-avx2/libnd4jcpu.so}.
 * The CPU build is {@code "cpu-"} plus that extension ({@code "cpu-avx2"}, {@code "cpu-onednn-avx2"}), or
 * {@code "cpu-generic"} without one. The CUDA build is {@code "cuda-"} plus the CUDA version of its jar
 * ({@code nd4j-cuda-11.6-...}). When the library is not found or its place is not recognised, the answer
 * is empty: the coordinator then treats the worker as {@code unknown}.
 */
final class Nd4jNativeBuild {
  static final String CPU_LIBRARY = "nd4jcpu";
  static final String CUDA_LIBRARY = "nd4jcuda";
  private static final Pattern CUDA_VERSION = Pattern.compile("nd4j-cuda-(\\d+\\.\\d+)");

  private Nd4jNativeBuild() {}

  /**
   * The build name for the loaded libraries on {@code platform} (JavaCPP's, e.g. {@code linux-x86_64}), or
   * "" when ND4J's library is not among them or lies somewhere this cannot read.
   */
  static String name(Map<String, String> loadedLibraries, String platform) {
    String cuda = loadedLibraries.get(CUDA_LIBRARY);
    if (cuda != null) {
      Matcher m = CUDA_VERSION.matcher(cuda);
      return m.find() ? "cuda-" + m.group(1) : "cuda";
    }
    String cpu = loadedLibraries.get(CPU_LIBRARY);
    if (cpu == null) {
      return "";
    }
    String dir = parentName(cpu);
    if (dir.equals(platform)) {
      return "cpu-generic";
    }
    if (dir.startsWith(platform + "-") && dir.length() > platform.length() + 1) {
      return "cpu-" + dir.substring(platform.length() + 1);
    }
    return "";
  }

  private static String parentName(String file) {
    String f = file.replace('\\', '/');
    int slash = f.lastIndexOf('/');
    if (slash <= 0) {
      return "";
    }
    int before = f.lastIndexOf('/', slash - 1);
    return f.substring(before + 1, slash);
  }
}
