package io.ringmaster.coordinator.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JVM flags for worker processes, chosen for the machine they run on. */
public final class WorkerJvmFlags {
  private WorkerJvmFlags() {}

  /**
   * Flags every worker JVM gets: a collector without extra threads competing with other workers on a
   * small machine (the young generation is sized by {@link #memory}).
   */
  public static List<String> recommended() {
    List<String> flags = new ArrayList<>();
    flags.add("-XX:+UseSerialGC");
    return flags;
  }

  /**
   * The classpath for a worker JVM. JavaCPP loads the most specific nd4j-native build it finds on the
   * classpath (AVX2 over generic, whatever {@code javacpp.platform.extension} says), and the AVX2 build
   * cannot run on a CPU without AVX2: there, its jar is left out.
   */
  public static String classpath(String classpath) {
    if (cpuFlags().contains(" avx2 ")) {
      return classpath;
    }
    return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
        .filter(e -> !e.endsWith("-linux-x86_64-avx2.jar"))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /**
   * Memory bounds of a worker JVM. Every ND4J op leaves small native-memory bookkeeping objects for the
   * GC; with a default young generation they get promoted, the old generation and the process grow
   * until a full GC, and throughput sags (see bench/README.md). A fixed heap with a 96 MiB young
   * generation and large survivor spaces keeps them young. {@code maxphysicalbytes=0} turns off
   * JavaCPP's per-allocation reading of /proc/self/statm; off-heap use is bounded by {@code maxbytes}.
   */
  public static List<String> memory(int heapMb, int offheapMb) {
    int young = Math.max(16, Math.min(96, heapMb / 4));
    return List.of("-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-Xmn" + young + "m", "-XX:SurvivorRatio=2",
        "-Dorg.bytedeco.javacpp.maxbytes=" + offheapMb + "m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0");
  }

  private static String cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return line + " ";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux or unreadable: use the generic build
    }
    return "";
  }
}
