package io.ringmaster.coordinator;

import io.ringmaster.coordinator.jobs.JobSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A coordinator in its own process, for tests that kill it: {@code CoordinatorProcessMain DATA_DIR}.
 * Prints {@code PORT=<port>} once it listens.
 */
public final class CoordinatorProcessMain {
  private CoordinatorProcessMain() {}

  public static void main(String[] args) throws Exception {
    CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(Path.of(args[0]))
        .settings(new JobSettings(1, 10, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(180), Duration.ofSeconds(2)))
        .build().start();
    System.out.println("PORT=" + c.port());
    System.out.flush();
    c.awaitTermination();
  }
}
