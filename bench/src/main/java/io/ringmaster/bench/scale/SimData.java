package io.ringmaster.bench.scale;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CSV files a simulated job names: the coordinator validates them (and its spec's model against them)
 * as it would any job's; no simulated worker reads them. Four features and ten classes per row.
 */
final class SimData {
  private SimData() {}

  /** Writes {@code train.csv} and {@code test.csv} into {@code dir}; returns {@code dir}. */
  static Path write(Path dir, int trainRows, int testRows) throws IOException {
    Files.createDirectories(dir);
    csv(dir.resolve("train.csv"), trainRows);
    csv(dir.resolve("test.csv"), testRows);
    return dir;
  }

  private static void csv(Path file, int rows) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("f0,f1,f2,f3,label\n");
      for (int i = 0; i < rows; i++) {
        w.write(String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%.3f,%d%n", (i % 97) / 97.0, (i % 89) / 89.0,
            (i % 83) / 83.0, (i % 79) / 79.0, i % 10));
      }
    }
  }
}
