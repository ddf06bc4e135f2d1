package io.ringmaster.bench.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checkpoints a job's workers stored, skipped (the previous upload was still running) or failed to
 * store, counted from the lines rank 0 logs in {@code <jobDir>/logs/worker-*.log}.
 */
record CheckpointCounts(int stored, int skipped, int failed) {
  static CheckpointCounts inJobDir(Path jobDir) {
    Path logs = jobDir.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return new CheckpointCounts(0, 0, 0);
    }
    int stored = 0;
    int skipped = 0;
    int failed = 0;
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        for (String line : lines(f)) {
          if (line.contains(": checkpoint ") && line.contains(" stored (")) {
            stored++;
          } else if (line.contains("checkpoint at epoch") && line.contains(" skipped")) {
            skipped++;
          } else if (line.contains("checkpoint at epoch") && line.contains(" not stored")) {
            failed++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list worker logs in " + logs, e);
    }
    return new CheckpointCounts(stored, skipped, failed);
  }

  private static List<String> lines(Path f) throws IOException {
    try (Stream<String> s = Files.lines(f, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      return s.filter(l -> l.contains("checkpoint")).toList();
    }
  }
}
