package io.ringmaster.spark;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Ringmaster coordinator embedded in the Spark driver: an in-memory job store, files (checkpoints, models)
 * under one directory, and a scheduler that launches nothing ({@link BarrierStageScheduler}: the workers are
 * the tasks of the barrier stage the driver runs). {@code spark-submit}'s {@link RingmasterSparkMain} starts
 * one for its one job; the DL4J drop-in ({@link RingmasterTrainingMaster}) keeps one for the master's life
 * and runs every {@code fit}'s job on it, deleting each job (its record and files) once the driver has read
 * the model back.
 *
 * <p>It listens on loopback in local mode and on every interface otherwise, advertising {@code
 * spark.driver.host} to the tasks.
 */
final class DriverCoordinator implements AutoCloseable {
  private final CoordinatorServer server;
  private final BarrierStageScheduler scheduler;
  private final String driverHost;

  private DriverCoordinator(CoordinatorServer server, BarrierStageScheduler scheduler, String driverHost) {
    this.server = server;
    this.scheduler = scheduler;
    this.driverHost = driverHost;
  }

  /** Starts a coordinator for the jobs of {@code sc}'s barrier stages, its files under {@code dataDir}. */
  static DriverCoordinator start(JavaSparkContext sc, Path dataDir) throws IOException {
    boolean local = sc.sc().isLocal();
    String driverHost = local ? "127.0.0.1" : sc.getConf().get("spark.driver.host", "127.0.0.1");
    BarrierStageScheduler scheduler = new BarrierStageScheduler();
    CoordinatorServer server = CoordinatorServer.builder()
        .host(local ? "127.0.0.1" : "0.0.0.0").advertiseHost(driverHost).port(0)
        // no TLS options for the Spark application yet: on a cluster its control plane and ring run plaintext,
        // explicitly (workers still prove the job's secret, rings their tokens; docs/SECURITY.md)
        .insecure(!local)
        .dataDir(dataDir).scheduler(scheduler).store(new InMemoryJobStore())
        .settings(RingmasterSparkMain.SPARK_SETTINGS).build().start();
    return new DriverCoordinator(server, scheduler, driverHost);
  }

  JobManager jobs() {
    return server.jobs();
  }

  BarrierStageScheduler scheduler() {
    return scheduler;
  }

  /** {@code host:port} the tasks' workers attach to. */
  String target() {
    return driverHost + ":" + server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
