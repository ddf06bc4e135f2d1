package io.ringmaster.bench.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load averages (1, 5 and 15 minutes) from {@code /proc/loadavg}, to print with figures. */
final class LoadAverage {
  private LoadAverage() {}

  /** The 1-minute load average, NaN when unknown (not Linux). */
  static double oneMinute() {
    String[] f = read().split(" ");
    try {
      return Double.parseDouble(f[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** "1.23 0.98 0.75" (1, 5, 15 minutes), or "unknown". */
  static String text() {
    String[] f = read().split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
  }

  private static String read() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
