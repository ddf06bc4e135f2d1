package io.ringmaster.worker;

import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster worker}: a long-running worker process that attaches to a coordinator and trains
 * whatever job it is assigned. Also the entry point of worker JVMs launched by the local scheduler.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run a worker that attaches to a coordinator and trains the jobs it is given.")
public final class WorkerCommand implements Callable<Integer> {
  @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT",
      description = "Coordinator address.")
  String coordinator;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address peers use to reach this worker (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "0",
      description = "Port of this worker's gRPC server; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--job", description = "Only take this job (set by the local and Kubernetes schedulers).")
  String jobId;

  @Option(names = "--slot", paramLabel = "N",
      description = "The scheduler's index of this worker among the job's (set by the Kubernetes scheduler;"
          + " default: the " + "RINGMASTER_WORKER_SLOT environment variable, else none).")
  Integer slotOption;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "This worker's own data directory: datasets fetched from the coordinator are cached here by"
          + " hash (default: ringmaster-worker in the system's temporary directory).")
  java.nio.file.Path dataDir;

  @Option(names = "--cache-max-mb", paramLabel = "MIB",
      description = "Most MiB of fetched datasets kept in the data directory's cache; beyond it the files used"
          + " longest ago are deleted, never one the running job reads. 0: no limit (default: 10240).")
  long cacheMaxMb = WorkerRuntime.Config.DEFAULT_CACHE_MAX_BYTES >> 20;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "This worker's certificate chain (PEM), presented"
      + " to the coordinator and to ring peers (default: the RINGMASTER_TLS_CERT environment variable).")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (PEM, mode 0600; default:"
      + " RINGMASTER_TLS_KEY).")
  java.nio.file.Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA bundle (PEM) the coordinator's and peers'"
      + " certificates must chain to (default: RINGMASTER_TLS_CA). Files are re-read when they change.")
  java.nio.file.Path tlsCa;

  @Option(names = "--insecure", description = "Accept plaintext to a coordinator or from peers beyond loopback"
      + " (anyone on the network can then read the job's data and parameters and pose as a peer).")
  boolean insecure;

  /** Set by schedulers: the worker's index among the job's workers, and its log file. */
  public static final String ENV_SLOT = "RINGMASTER_WORKER_SLOT";
  public static final String ENV_LOG = "RINGMASTER_WORKER_LOG";

  /** Exit code when the coordinator went away while this worker belonged to a job. */
  public static final int EXIT_COORDINATOR_LOST = 3;

  @Override
  public Integer call() throws Exception {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    String slotEnv = System.getenv(ENV_SLOT);
    int slot = slotOption != null ? slotOption
        : slotEnv == null || slotEnv.isBlank() ? -1 : Integer.parseInt(slotEnv.trim());
    if (slot < -1) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--slot must be >= 0, got " + slot);
    }
    if (cacheMaxMb < 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--cache-max-mb must be >= 0 (0: no limit), got " + cacheMaxMb);
    }
    io.ringmaster.job.security.TlsFiles tls;
    try {
      tls = io.ringmaster.job.security.TlsFiles.fromOptions(orEnv(tlsCert, TlsFiles.ENV_CERT),
          orEnv(tlsKey, TlsFiles.ENV_KEY), orEnv(tlsCa, TlsFiles.ENV_CA), true, "--tls-");
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
    }
    TransportSecurity transport = TransportSecurity.of(tls);
    // the job's secret comes from the scheduler by environment, never by argument (`ps` shows those)
    String secret = System.getenv(JobCredentials.ENV_JOB_SECRET);
    WorkerRuntime worker;
    try {
      worker = new WorkerRuntime(new WorkerRuntime.Config(coordinator, host, port, jobId, null,
          slot, System.getenv(ENV_LOG), dataDir, cacheMaxMb << 20, new WorkerRuntime.Security(transport, secret,
          insecure)),
          WorkerEnvironment.system()).start();
    } catch (ExposureCheck.InsecureExposureException e) {
      transport.close();
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
    String why = worker.awaitTermination();
    return "released".equals(why) ? 0 : EXIT_COORDINATOR_LOST;
  }

  private static java.nio.file.Path orEnv(java.nio.file.Path given, String env) {
    String v = System.getenv(env);
    return given != null ? given : v == null || v.isBlank() ? null : java.nio.file.Path.of(v.trim());
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new WorkerCommand()).execute(args));
  }
}
