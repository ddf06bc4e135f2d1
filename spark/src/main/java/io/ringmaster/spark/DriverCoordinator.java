package io.ringmaster.spark;

import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.security.TransportSecurity;
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
 * spark.driver.host} to the tasks, and secures its channels as the application's {@link SparkTls} says: TLS
 * with its files (they must name {@code spark.driver.host}), or plaintext on loopback (local mode) or explicitly
 * insecure; on a cluster with neither, the coordinator's {@code ExposureCheck} refuses to start. The settings
 * are fixed for its life: the drop-in's TLS is final per master.
 */
final class DriverCoordinator implements AutoCloseable {
  private final CoordinatorServer server;
  private final BarrierStageScheduler scheduler;
  private final TransportSecurity security;
  private final SparkTls tls;
  private final String driverHost;

  private DriverCoordinator(CoordinatorServer server, BarrierStageScheduler scheduler, TransportSecurity security,
      SparkTls tls, String driverHost) {
    this.server = server;
    this.scheduler = scheduler;
    this.security = security;
    this.tls = tls;
    this.driverHost = driverHost;
  }

  /**
   * Starts a coordinator for the jobs of {@code sc}'s barrier stages, its files under {@code dataDir}, its
   * channels secured as {@code tls} says.
   *
   * @throws IllegalStateException (an {@code ExposureCheck} refusal) on a cluster without TLS or insecure
   * @throws IllegalArgumentException if a TLS file cannot be read on the driver
   */
  static DriverCoordinator start(JavaSparkContext sc, Path dataDir, SparkTls tls) throws IOException {
    boolean local = sc.sc().isLocal();
    String driverHost = local ? "127.0.0.1" : sc.getConf().get("spark.driver.host", "127.0.0.1");
    BarrierStageScheduler scheduler = new BarrierStageScheduler();
    TransportSecurity security = tls.open();
    try {
      CoordinatorServer server = CoordinatorServer.builder()
          .host(local ? "127.0.0.1" : "0.0.0.0").advertiseHost(driverHost).port(0)
          // TLS, or plaintext: on loopback (local mode) or explicitly insecure (workers still prove the job's
          // secret, rings their tokens; docs/SECURITY.md)
          .security(security).insecure(tls.insecure())
          .dataDir(dataDir).scheduler(scheduler).store(new InMemoryJobStore())
          .settings(RingmasterSparkMain.SPARK_SETTINGS).build().start();
      return new DriverCoordinator(server, scheduler, security, tls, driverHost);
    } catch (IOException | RuntimeException e) {
      security.close();
      throw e;
    }
  }

  /** How the coordinator and the tasks' workers secure their channels (broadcast in {@link TaskEndpoint}). */
  SparkTls tls() {
    return tls;
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
    try {
      server.close();
    } finally {
      security.close();
    }
  }
}
