package io.ringmaster.coordinator.config;

import io.ringmaster.coordinator.datasets.DatasetLimits;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.jobs.RetentionPolicy;
import java.time.Duration;

/**
 * Every setting of a coordinator, resolved (defaults filled in) and valid. The YAML file and the flags
 * use the same names, as {@code section.key} paths; see {@link CoordinatorConfigReader} and
 * docs/COORDINATOR.md.
 *
 * @param jobs admission, limits and timings of jobs ({@link JobSettings}, the watchdog included)
 * @param maxMessageBytes largest gRPC message the server accepts (and the most a client must accept)
 * @param executorThreads threads of the gRPC server's executor: requests beyond them wait in its queue
 *     instead of starting more threads
 * @param retention when finished jobs are deleted
 * @param datasets what the dataset store accepts (sizes, unfinished uploads, upload expiry)
 * @param jobDefaults the installation's defaults for what jobs leave out (the {@code jobDefaults} section)
 * @param security how clients authenticate and where jobs may read data (see docs/SECURITY.md)
 * @param specLimits bounds on what one job may ask of each worker
 * @param tls the coordinator's TLS files ({@code tls.*}); {@link TlsSettings#UNSET} for plaintext
 */
public record CoordinatorConfig(ServerSettings server, JobSettings jobs, int maxMessageBytes, int executorThreads,
    RetentionPolicy retention, DatasetLimits datasets, io.ringmaster.job.spec.JobDefaults jobDefaults,
    SecuritySettings security, io.ringmaster.coordinator.jobs.SpecLimits specLimits, TlsSettings tls) {

  /**
   * With the default dataset limits, without installation job defaults (the built-in ones apply), without
   * security settings (left to the caller), with the default spec limits and without TLS settings.
   */
  public CoordinatorConfig(ServerSettings server, JobSettings jobs, int maxMessageBytes, int executorThreads,
      RetentionPolicy retention) {
    this(server, jobs, maxMessageBytes, executorThreads, retention, DatasetLimits.DEFAULTS,
        io.ringmaster.job.spec.JobDefaults.BUILT_IN, SecuritySettings.UNSET,
        io.ringmaster.coordinator.jobs.SpecLimits.DEFAULTS, TlsSettings.UNSET);
  }

  /** As the full constructor, without TLS settings. */
  public CoordinatorConfig(ServerSettings server, JobSettings jobs, int maxMessageBytes, int executorThreads,
      RetentionPolicy retention, DatasetLimits datasets, io.ringmaster.job.spec.JobDefaults jobDefaults,
      SecuritySettings security, io.ringmaster.coordinator.jobs.SpecLimits specLimits) {
    this(server, jobs, maxMessageBytes, executorThreads, retention, datasets, jobDefaults, security, specLimits,
        TlsSettings.UNSET);
  }

  /** With the given TLS settings and the defaults of {@link #CoordinatorConfig(ServerSettings, JobSettings, int, int, RetentionPolicy)}. */
  public CoordinatorConfig(ServerSettings server, JobSettings jobs, int maxMessageBytes, int executorThreads,
      RetentionPolicy retention, TlsSettings tls) {
    this(server, jobs, maxMessageBytes, executorThreads, retention, DatasetLimits.DEFAULTS,
        io.ringmaster.job.spec.JobDefaults.BUILT_IN, SecuritySettings.UNSET,
        io.ringmaster.coordinator.jobs.SpecLimits.DEFAULTS, tls);
  }

  public CoordinatorConfig {
    datasets = datasets == null ? DatasetLimits.DEFAULTS : datasets;
    jobDefaults = jobDefaults == null ? io.ringmaster.job.spec.JobDefaults.BUILT_IN : jobDefaults;
    security = security == null ? SecuritySettings.UNSET : security;
    specLimits = specLimits == null ? io.ringmaster.coordinator.jobs.SpecLimits.DEFAULTS : specLimits;
    tls = tls == null ? TlsSettings.UNSET : tls;
  }

  /**
   * How clients authenticate and where jobs may read data; null fields are unset.
   *
   * @param clientAuth {@code tokens} or {@code none}; null: not said (a long-running coordinator refuses to
   *     start until it is told)
   * @param tokensFile the tokens file ({@code clientAuth: tokens})
   * @param dataRoots directories under which jobs may read data by path; null: not given
   * @param tokensReloadSeconds how often the tokens file is looked at again for changes
   * @param auditKeepDays audit records older than this many days are deleted; 0 keeps them
   */
  public record SecuritySettings(String clientAuth, String tokensFile, java.util.List<String> dataRoots,
      double tokensReloadSeconds, double auditKeepDays) {
    public static final SecuritySettings UNSET = new SecuritySettings(null, null, null,
        io.ringmaster.coordinator.auth.TokensFileWatcher.DEFAULT_INTERVAL.toSeconds(), DEFAULT_AUDIT_KEEP_DAYS);

    /** {@code tokensReloadSeconds} as a duration. */
    public Duration tokensReload() {
      return seconds(tokensReloadSeconds);
    }

    /** {@code auditKeepDays} as a duration; zero keeps audit records for ever. */
    public Duration auditKeep() {
      return Duration.ofMillis((long) (auditKeepDays * 86_400_000L));
    }
  }

  /** Audit records are kept this many days unless told otherwise (docs/SECURITY.md gives the disk bound). */
  public static final double DEFAULT_AUDIT_KEEP_DAYS = 90;

  /**
   * PEM files of the coordinator's TLS identity and the CA bundle it trusts (null: not set), re-read every
   * {@code reloadSeconds}. Plaintext beyond loopback is only accepted with the {@code --insecure} flag, never
   * from a file.
   */
  public record TlsSettings(String cert, String key, String ca, double reloadSeconds) {
    public static final TlsSettings UNSET = new TlsSettings(null, null, null, 30);

    /** The files, checked to be complete and readable; null when none is set (plaintext). */
    public io.ringmaster.job.security.TlsFiles files() {
      io.ringmaster.job.security.TlsFiles f = io.ringmaster.job.security.TlsFiles.fromOptions(
          cert == null ? null : java.nio.file.Path.of(cert), key == null ? null : java.nio.file.Path.of(key),
          ca == null ? null : java.nio.file.Path.of(ca), true, "tls.");
      return f == null ? null : f.withReloadInterval(seconds(reloadSeconds));
    }
  }

  /** Where the coordinator listens and keeps its data; null fields are left to the caller's defaults. */
  public record ServerSettings(String host, Integer port, String advertiseHost, String dataDir, String scheduler) {
    public static final ServerSettings UNSET = new ServerSettings(null, null, null, null, null);
  }

  /** gRPC's own default, kept as ours: checkpoints and tensors travel in 1 MiB chunks. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 << 20;
  /** The largest {@code grpc.maxMessageMb} accepted; clients accept messages this large. */
  public static final int MAX_MESSAGE_BYTES_LIMIT = 64 << 20;
  public static final int DEFAULT_EXECUTOR_THREADS = 16;

  public static final CoordinatorConfig DEFAULTS = new CoordinatorConfig(ServerSettings.UNSET,
      JobSettings.DEFAULTS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_EXECUTOR_THREADS, RetentionPolicy.KEEP_ALL,
      DatasetLimits.DEFAULTS, io.ringmaster.job.spec.JobDefaults.BUILT_IN, SecuritySettings.UNSET,
      io.ringmaster.coordinator.jobs.SpecLimits.DEFAULTS, TlsSettings.UNSET);

  /** Shorthand for the retention's keep-for duration in days (0: forever). */
  public long retentionDays() {
    return retention.keepFor().toDays();
  }

  static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }
}
