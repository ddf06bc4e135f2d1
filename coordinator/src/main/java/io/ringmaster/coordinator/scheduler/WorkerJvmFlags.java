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
   * Flags every worker JVM gets: the fastest nd4j-native build this CPU supports, and a collector
   * suited to many short-lived small objects with off-heap data.
   */
  public static List<String> recommended() {
    List<String> flags = new ArrayList<>();
    flags.add("-XX:+UseParallelGC");
    if (cpuFlags().contains(" avx2")) {
      flags.add("-Djavacpp.platform.extension=-avx2");
    }
    return flags;
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
