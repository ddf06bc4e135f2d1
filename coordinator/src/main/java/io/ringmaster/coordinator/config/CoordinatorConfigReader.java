package io.ringmaster.coordinator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringmaster.coordinator.datasets.DatasetLimits;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.jobs.RetentionPolicy;
import io.ringmaster.coordinator.jobs.SpecLimits;
import io.ringmaster.job.spec.Violation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@link CoordinatorConfig}: the defaults, then an optional YAML file, then overrides (from
 * command-line flags) on top, each setting named by its path {@code section.key}. Every problem is
 * reported at once with its path and where the value came from: unknown sections or keys, values of
 * the wrong type or out of bounds, settings that contradict each other.
 *
 * <pre>
 * server:    {host: 0.0.0.0, port: 7070, advertiseHost: coord-1, dataDir: /var/lib/ringmaster, scheduler: external}
 * jobs:      {maxConcurrent: 2, maxQueued: 100, maxWorkersPerJob: 64, heartbeatIntervalS: 1,
 *             heartbeatTimeoutS: 10, workerStartTimeoutS: 180, failureGraceS: 3}
 * watchdog:  {noProgressTimeoutS: 600, idleHeartbeats: 5, maxIdleRecoveries: 3}
 * grpc:      {maxMessageMb: 4, executorThreads: 16}
 * retention: {keepDays: 30, keepFinishedJobs: 1000, intervalMinutes: 10}
 * datasets:  {maxDatasetMb: 8192, maxStoreMb: 0, maxConcurrentUploads: 8, uploadExpiryMinutes: 60}
 * jobDefaults:                       # file only: for what jobs leave out (see JobDefaults)
 *   resources: {heapMb: 2048, offheapMb: 4096, threads: 2}
 *   kubernetes: {nodeSelector: {pool: training}, schedulerName: volcano, queue: team-a}
 *   gpuKubernetes: {tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]}
 * security:  {clientAuth: tokens, tokensFile: /etc/ringmaster/tokens.yaml, dataRoots: "/data,/scratch/shared",
 *             tokensReloadSeconds: 10, auditKeepDays: 90}
 * limits:    {maxHeapMb: 32768, maxOffheapMb: 65536, maxThreads: 64, maxParameters: 200000000}
 * </pre>
 *
 * <p>The {@code jobDefaults} section is structured (job-file sections, read by {@code
 * JobSpecYaml.readDefaults}, problems named like {@code jobDefaults.kubernetes.tolerations[0].effect}), so it
 * is set in the file only, not with {@code --set}.
 */
public final class CoordinatorConfigReader {
  /** How a setting's value is read. */
  public enum Type { INT, NUMBER, TEXT }

  /** One setting: its path, type, bounds and default (null: left to the command's own default). */
  public record Setting(String path, Type type, double min, double max, Object defaultValue, String help) {}

  /** The structured section of installation job defaults (file only). */
  public static final String JOB_DEFAULTS = "jobDefaults";

  private static final List<Setting> SETTINGS = List.of(
      new Setting("server.host", Type.TEXT, 0, 0, null, "address to listen on"),
      new Setting("server.port", Type.INT, 0, 65_535, null, "port to listen on; 0 picks a free one"),
      new Setting("server.advertiseHost", Type.TEXT, 0, 0, null, "address local workers dial when host is a wildcard"),
      new Setting("server.dataDir", Type.TEXT, 0, 0, null, "job store and job directories"),
      new Setting("server.scheduler", Type.TEXT, 0, 0, null, "local or external (others may be added)"),
      new Setting("jobs.maxConcurrent", Type.INT, 1, 10_000, 1, "jobs STARTING or RUNNING at once"),
      new Setting("jobs.maxQueued", Type.INT, 0, 1_000_000, 100, "QUEUED jobs beyond which submissions are refused"),
      new Setting("jobs.maxWorkersPerJob", Type.INT, 1, 100_000, 64, "largest spec.workers accepted"),
      new Setting("jobs.heartbeatIntervalS", Type.NUMBER, 0.05, 60, 1.0, "how often workers send a heartbeat"),
      new Setting("jobs.heartbeatTimeoutS", Type.NUMBER, 0.1, 3600, 10.0, "silence after which a free worker is dropped"),
      new Setting("jobs.workerStartTimeoutS", Type.NUMBER, 1, 86_400, 180.0, "how long workers may take to attach"),
      new Setting("jobs.failureGraceS", Type.NUMBER, 0, 600, 3.0, "wait for a dying worker's exit code"),
      new Setting("watchdog.noProgressTimeoutS", Type.NUMBER, 1, 604_800,
          (double) JobSettings.DEFAULT_NO_PROGRESS_TIMEOUT_S, "a job without any progress message fails after this"),
      new Setting("watchdog.idleHeartbeats", Type.INT, 1, 10_000, JobSettings.DEFAULT_IDLE_HEARTBEATS,
          "heartbeats of an idle ring before it is re-formed"),
      new Setting("watchdog.maxIdleRecoveries", Type.INT, 0, 10_000, JobSettings.DEFAULT_MAX_IDLE_RECOVERIES,
          "such re-formations without progress before the job fails"),
      new Setting("grpc.maxMessageMb", Type.INT, 1, CoordinatorConfig.MAX_MESSAGE_BYTES_LIMIT >> 20,
          CoordinatorConfig.DEFAULT_MAX_MESSAGE_BYTES >> 20, "largest gRPC message accepted, MiB"),
      new Setting("grpc.executorThreads", Type.INT, 2, 1024, CoordinatorConfig.DEFAULT_EXECUTOR_THREADS,
          "threads serving gRPC calls (bounded; calls beyond wait)"),
      new Setting("retention.keepDays", Type.NUMBER, 0, 36_500, 0.0, "delete finished jobs older than this; 0 keeps them"),
      new Setting("retention.keepFinishedJobs", Type.INT, 0, 100_000_000, 0,
          "keep only the newest N finished jobs; 0 keeps any number"),
      new Setting("retention.intervalMinutes", Type.NUMBER, 0.01, 10_080,
          (double) RetentionPolicy.DEFAULT_INTERVAL.toMinutes(), "how often retention runs"),
      new Setting("datasets.maxDatasetMb", Type.INT, 1, 1 << 30, (int) (DatasetLimits.DEFAULT_MAX_DATASET_BYTES >> 20),
          "largest dataset an upload may announce, MiB"),
      new Setting("datasets.maxStoreMb", Type.INT, 0, 1 << 30, (int) (DatasetLimits.DEFAULT_MAX_STORE_BYTES >> 20),
          "most MiB the dataset store holds (stored + unfinished uploads); 0: no limit"),
      new Setting("datasets.maxConcurrentUploads", Type.INT, 1, 10_000, DatasetLimits.DEFAULT_MAX_CONCURRENT_UPLOADS,
          "unfinished dataset uploads at once"),
      new Setting("datasets.uploadExpiryMinutes", Type.NUMBER, 0.01, 10_080,
          (double) DatasetLimits.DEFAULT_UPLOAD_EXPIRY.toMinutes(),
          "an unfinished upload untouched this long is deleted"),
      new Setting("security.clientAuth", Type.TEXT, 0, 0, null,
          "tokens (clients need a token from tokensFile) or none (no client authentication)"),
      new Setting("security.tokensFile", Type.TEXT, 0, 0, null, "client tokens with their tenants and roles"),
      new Setting("security.dataRoots", Type.TEXT, 0, 0, null,
          "comma-separated directories under which jobs may read data by path"),
      new Setting("security.tokensReloadSeconds", Type.NUMBER, 1, 86_400,
          (double) io.ringmaster.coordinator.auth.TokensFileWatcher.DEFAULT_INTERVAL.toSeconds(),
          "how often the tokens file is looked at again (changes apply without a restart)"),
      new Setting("security.auditKeepDays", Type.NUMBER, 0, 36_500, CoordinatorConfig.DEFAULT_AUDIT_KEEP_DAYS,
          "delete audit records older than this; 0 keeps them"),
      new Setting("limits.maxHeapMb", Type.INT, 128, 1 << 20, SpecLimits.DEFAULTS.maxHeapMb(),
          "largest resources.heapMb of a job"),
      new Setting("limits.maxOffheapMb", Type.INT, 128, 1 << 20, SpecLimits.DEFAULTS.maxOffheapMb(),
          "largest resources.offheapMb of a job"),
      new Setting("limits.maxThreads", Type.INT, 1, 4096, SpecLimits.DEFAULTS.maxThreads(),
          "largest resources.threads of a job"),
      new Setting("limits.maxParameters", Type.NUMBER, 1, 1e12, (double) SpecLimits.DEFAULTS.maxParameters(),
          "most parameters of a job's model"),
      new Setting("tls.cert", Type.TEXT, 0, 0, null, "the coordinator's certificate chain (PEM); with tls.key and tls.ca"),
      new Setting("tls.key", Type.TEXT, 0, 0, null, "its private key (PEM, mode 0600)"),
      new Setting("tls.ca", Type.TEXT, 0, 0, null, "CA bundle (PEM) that workers' client certificates chain to"),
      new Setting("tls.reloadSeconds", Type.NUMBER, 1, 86_400, 30.0, "how often the TLS files are read again"));

  /** The sections, in the order of the documentation. */
  private static final String SECTIONS = String.join(", ",
      SETTINGS.stream().map(s -> s.path().substring(0, s.path().indexOf('.'))).distinct().toList()) + ", "
      + JOB_DEFAULTS;

  private CoordinatorConfigReader() {}

  /** Every setting, in the order of the documentation. */
  public static List<Setting> settings() {
    return SETTINGS;
  }

  /**
   * @param yaml the file's text, or null for no file
   * @param source the file's name, for messages
   * @param overrides values by setting path (from flags); each key is its flag, for messages
   * @throws InvalidConfigException naming every bad setting
   */
  public static CoordinatorConfig read(String yaml, String source, Map<String, Map.Entry<String, String>> overrides) {
    List<Violation> v = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>();
    if (yaml != null && !yaml.isBlank()) {
      readFile(yaml, source, values, v);
    }
    overrides.forEach((path, flagAndValue) -> {
      Setting s = find(path);
      String flag = flagAndValue.getKey();
      if (s == null && path.startsWith(JOB_DEFAULTS + ".")) {
        v.add(new Violation(path, "job defaults are set in the configuration file's " + JOB_DEFAULTS
            + " section (--config FILE), not with " + flag));
        return;
      }
      if (s == null) {
        v.add(new Violation(path, "unknown setting (given by " + flag + "); known: " + paths()));
        return;
      }
      Object value = parse(s, flagAndValue.getValue(), "given by " + flag, v);
      if (value != null) {
        values.put(path, value);
      }
    });
    CoordinatorConfig config = resolve(values, v);
    if (!v.isEmpty()) {
      throw new InvalidConfigException(v);
    }
    return config;
  }

  private static void readFile(String yaml, String source, Map<String, Object> values, List<Violation> v) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
      mapper.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(yaml);
    } catch (IOException e) {
      v.add(new Violation(source, "not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
      return;
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      v.add(new Violation(source, "must be a mapping of sections (" + SECTIONS + ")"));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
      Map.Entry<String, JsonNode> section = sections.next();
      if (section.getKey().equals(JOB_DEFAULTS)) {
        values.put(JOB_DEFAULTS, io.ringmaster.job.spec.JobSpecYaml.readDefaults(JOB_DEFAULTS, section.getValue(), v));
        continue;
      }
      if (SETTINGS.stream().noneMatch(s -> s.path().startsWith(section.getKey() + "."))) {
        v.add(new Violation(section.getKey(), "unknown section in " + source + "; known: " + SECTIONS));
        continue;
      }
      if (!section.getValue().isObject()) {
        v.add(new Violation(section.getKey(), "must be a mapping of settings in " + source));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> keys = section.getValue().fields(); keys.hasNext(); ) {
        Map.Entry<String, JsonNode> key = keys.next();
        String path = section.getKey() + "." + key.getKey();
        Setting s = find(path);
        if (s == null) {
          v.add(new Violation(path, "unknown setting in " + source + "; known in " + section.getKey() + ": "
              + SETTINGS.stream().map(Setting::path).filter(p -> p.startsWith(section.getKey() + "."))
                  .map(p -> p.substring(section.getKey().length() + 1)).toList()));
          continue;
        }
        JsonNode node = key.getValue();
        if (!node.isValueNode() || node.isNull()) {
          v.add(new Violation(path, "must be a " + typeName(s) + " in " + source + ", got " + node));
          continue;
        }
        Object value = parse(s, node.asText(), "in " + source, v);
        if (value != null) {
          values.put(path, value);
        }
      }
    }
  }

  private static Object parse(Setting s, String raw, String where, List<Violation> v) {
    String text = raw.strip();
    if (s.type() == Type.TEXT) {
      if (text.isEmpty()) {
        v.add(new Violation(s.path(), "must not be empty (" + where + ")"));
        return null;
      }
      if (s.path().equals("server.scheduler")) {
        List<String> kinds = java.util.Arrays.stream(io.ringmaster.coordinator.CoordinatorServer.SchedulerKind.values())
            .map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
        if (!kinds.contains(text.toLowerCase(Locale.ROOT))) {
          v.add(new Violation(s.path(), "must be one of " + kinds + " (" + where + "), got '" + raw + "'"));
          return null;
        }
      }
      if (s.path().equals("security.clientAuth") && !List.of("tokens", "none").contains(text)) {
        v.add(new Violation(s.path(), "must be tokens or none (" + where + "), got '" + raw + "'"));
        return null;
      }
      return text;
    }
    double d;
    try {
      d = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      v.add(new Violation(s.path(), "must be a " + typeName(s) + " (" + where + "), got '" + raw + "'"));
      return null;
    }
    if (s.type() == Type.INT && (d != Math.rint(d) || Double.isInfinite(d))) {
      v.add(new Violation(s.path(), "must be a whole number (" + where + "), got " + raw));
      return null;
    }
    if (d < s.min() || d > s.max()) {
      v.add(new Violation(s.path(), "must be in " + fmt(s, s.min()) + ".." + fmt(s, s.max()) + " (" + where
          + "), got " + raw));
      return null;
    }
    return s.type() == Type.INT ? (Object) (int) d : (Object) d;
  }

  private static CoordinatorConfig resolve(Map<String, Object> values, List<Violation> v) {
    double interval = num(values, "jobs.heartbeatIntervalS");
    double timeout = num(values, "jobs.heartbeatTimeoutS");
    if (timeout < 2 * interval) {
      v.add(new Violation("jobs.heartbeatTimeoutS", "must be at least twice jobs.heartbeatIntervalS (" + interval
          + " s), got " + timeout + " s: one lost heartbeat must not drop a worker"));
      return null;
    }
    JobSettings jobs = new JobSettings(integer(values, "jobs.maxConcurrent"), integer(values, "jobs.maxQueued"),
        integer(values, "jobs.maxWorkersPerJob"), CoordinatorConfig.seconds(interval), CoordinatorConfig.seconds(timeout),
        CoordinatorConfig.seconds(num(values, "jobs.workerStartTimeoutS")),
        CoordinatorConfig.seconds(num(values, "jobs.failureGraceS")),
        CoordinatorConfig.seconds(num(values, "watchdog.noProgressTimeoutS")),
        integer(values, "watchdog.idleHeartbeats"), integer(values, "watchdog.maxIdleRecoveries"));
    RetentionPolicy retention = new RetentionPolicy(
        Duration.ofMillis((long) (num(values, "retention.keepDays") * 86_400_000L)),
        integer(values, "retention.keepFinishedJobs"),
        Duration.ofMillis((long) (num(values, "retention.intervalMinutes") * 60_000)));
    CoordinatorConfig.ServerSettings server = new CoordinatorConfig.ServerSettings(
        (String) values.get("server.host"), (Integer) values.get("server.port"),
        (String) values.get("server.advertiseHost"), (String) values.get("server.dataDir"),
        values.containsKey("server.scheduler") ? ((String) values.get("server.scheduler")).toLowerCase(Locale.ROOT)
            : null);
    String clientAuth = (String) values.get("security.clientAuth");
    String tokensFile = (String) values.get("security.tokensFile");
    if (tokensFile != null && clientAuth == null) {
      clientAuth = "tokens";
    }
    if ("tokens".equals(clientAuth) && tokensFile == null) {
      v.add(new Violation("security.tokensFile", "is needed with security.clientAuth tokens: the file of client"
          + " tokens (see docs/SECURITY.md)"));
    }
    if ("none".equals(clientAuth) && tokensFile != null) {
      v.add(new Violation("security.clientAuth", "is none but security.tokensFile is given: remove one of them"));
    }
    List<String> roots = null;
    if (values.containsKey("security.dataRoots")) {
      roots = java.util.Arrays.stream(((String) values.get("security.dataRoots")).split(","))
          .map(String::strip).filter(r -> !r.isEmpty()).toList();
    }
    SpecLimits limits = new SpecLimits(integer(values, "limits.maxHeapMb"), integer(values, "limits.maxOffheapMb"),
        integer(values, "limits.maxThreads"), (long) num(values, "limits.maxParameters"));
    DatasetLimits datasets = new DatasetLimits((long) integer(values, "datasets.maxDatasetMb") << 20,
        (long) integer(values, "datasets.maxStoreMb") << 20, integer(values, "datasets.maxConcurrentUploads"),
        Duration.ofMillis((long) (num(values, "datasets.uploadExpiryMinutes") * 60_000)));
    CoordinatorConfig.TlsSettings tls = new CoordinatorConfig.TlsSettings((String) values.get("tls.cert"),
        (String) values.get("tls.key"), (String) values.get("tls.ca"), num(values, "tls.reloadSeconds"));
    return new CoordinatorConfig(server, jobs, integer(values, "grpc.maxMessageMb") << 20,
        integer(values, "grpc.executorThreads"), retention, datasets,
        (io.ringmaster.job.spec.JobDefaults) values.getOrDefault(JOB_DEFAULTS, io.ringmaster.job.spec.JobDefaults.BUILT_IN),
        new CoordinatorConfig.SecuritySettings(clientAuth, tokensFile, roots, num(values, "security.tokensReloadSeconds"),
            num(values, "security.auditKeepDays")), limits, tls);
  }

  private static int integer(Map<String, Object> values, String path) {
    Object o = values.getOrDefault(path, find(path).defaultValue());
    return ((Number) o).intValue();
  }

  private static double num(Map<String, Object> values, String path) {
    Object o = values.getOrDefault(path, find(path).defaultValue());
    return ((Number) o).doubleValue();
  }

  private static Setting find(String path) {
    return SETTINGS.stream().filter(s -> s.path().equals(path)).findFirst().orElse(null);
  }

  private static List<String> paths() {
    return SETTINGS.stream().map(Setting::path).toList();
  }

  private static String typeName(Setting s) {
    return switch (s.type()) {
      case INT -> "whole number";
      case NUMBER -> "number";
      case TEXT -> "text";
    };
  }

  private static String fmt(Setting s, double d) {
    return s.type() == Type.INT || d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
