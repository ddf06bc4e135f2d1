package io.ringmaster.bench.control;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.store.SqliteJobStore;
import java.nio.file.Path;

/**
 * A coordinator in its own JVM for {@link ReadCostBench}: {@code DATA_DIR cached|sqlite}. "cached" is the
 * default store (every job in memory for reads); "sqlite" reads SQLite on every call (as before issue
 * 12). Prints {@code PORT <n>} when serving and stops when its standard input closes.
 */
public final class ReadCostCoordinator {
  private ReadCostCoordinator() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    CoordinatorServer.Builder b = CoordinatorServer.builder().port(0).dataDir(dataDir);
    if (args[1].equals("sqlite")) {
      b.store(SqliteJobStore.openIn(dataDir));
    }
    try (CoordinatorServer server = b.build().start()) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the bench to close our stdin
      }
    }
  }
}
