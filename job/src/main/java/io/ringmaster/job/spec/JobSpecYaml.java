package io.ringmaster.job.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads a job file (YAML) into the resolved spec ({@link JobSpecResolver}: defaults filled in, values
 * validated). Field names are the proto's in lowerCamelCase; see {@code examples/}. Relative data and model
 * paths are resolved against the job file's directory. Unknown fields, wrong types and invalid values are
 * all reported at once, each with its field path.
 *
 * <pre>
 * name: fashion-mlp
 * model: {architecture: mlp, hidden: [256, 128], activation: relu}   # or dl4jJson / dl4jJsonFile
 * data:
 *   train: {path: train-images-idx3-ubyte.gz, labels: train-labels-idx1-ubyte.gz}
 *   test:  {path: test.csv, labelColumn: label}
 * epochs: 3
 * batchSize: 128
 * updater: {type: adam, learningRate: 0.001}
 * seed: 42
 * workers: 2
 * </pre>
 */
public final class JobSpecYaml {
  /** Refuses duplicate keys: a job file whose later {@code epochs:} silently wins is a mistake to report. */
  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> TOP = Set.of("name", "model", "data", "epochs", "batchSize", "updater",
      "seed", "workers", "strategy", "resources", "faultTolerance", "kubernetes");
  private static final Set<String> FT = Set.of("minWorkers", "maxWorkers", "maxReplacements",
      "replacementTimeoutS", "checkpointEverySteps", "skipNonFiniteSteps", "workerTimeoutS", "stallWarningS",
      "stallTimeoutS");
  private static final Set<String> MODEL = Set.of("architecture", "hidden", "activation", "dl4jJson",
      "dl4jJsonFile");
  private static final Set<String> DATA = Set.of("train", "test");
  private static final Set<String> DATASET = Set.of("format", "path", "labels", "labelColumn", "dataset",
      "labelsDataset");
  private static final Set<String> UPDATER = Set.of("type", "learningRate", "momentum");
  private static final Set<String> RESOURCES = Set.of("heapMb", "offheapMb", "threads", "gpus");
  private static final Set<String> KUBERNETES = Set.of("nodeSelector", "tolerations", "affinity",
      "priorityClassName", "image", "volumes", "schedulerName", "queue");
  private static final Set<String> TOLERATION = Set.of("key", "operator", "value", "effect", "tolerationSeconds");
  private static final Set<String> VOLUME = Set.of("claimName", "mountPath", "readOnly");

  private final Path baseDir;
  private final List<Violation> violations = new ArrayList<>();

  private JobSpecYaml(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** Reads a job file: the resolved spec. */
  public static JobSpec read(Path file) {
    return read(file, UnaryOperator.identity());
  }

  /**
   * Reads a job file, changes the spec as given with {@code overrides} (e.g. the command line's
   * {@code --workers}), then resolves it: the overridden values are validated and defaulted like the
   * file's.
   */
  public static JobSpec read(Path file, UnaryOperator<JobSpec> overrides) {
    String text = readText(file);
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, dir == null ? Path.of(".").toAbsolutePath() : dir, overrides);
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidSpecException("spec", "job file not found: " + file.toAbsolutePath());
    } catch (IOException e) {
      throw new InvalidSpecException("spec", "cannot read job file " + file.toAbsolutePath() + ": " + e);
    }
  }

  /** Parses YAML text into the resolved spec; relative paths resolve against {@code baseDir}. */
  public static JobSpec parse(String yaml, Path baseDir) {
    return parse(yaml, baseDir, UnaryOperator.identity());
  }

  /** Parses YAML text, applies {@code overrides} to the spec as given, and resolves it. */
  public static JobSpec parse(String yaml, Path baseDir, UnaryOperator<JobSpec> overrides) {
    JobSpecYaml p = new JobSpecYaml(baseDir);
    JobSpec given = p.given(yaml, overrides);
    return JobSpecResolver.resolve(given, p.violations);
  }

  /**
   * Reads a job file as given (overrides applied, nothing filled in) after checking that it resolves with
   * the built-in defaults: what a client sends, so that the coordinator fills what the user left out with
   * its installation's defaults ({@link JobDefaults}).
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec readAsGiven(Path file, UnaryOperator<JobSpec> overrides) {
    String text = readText(file);
    Path dir = file.toAbsolutePath().getParent();
    return parseAsGiven(text, dir == null ? Path.of(".").toAbsolutePath() : dir, overrides);
  }

  /** {@link #readAsGiven} for YAML text; relative paths resolve against {@code baseDir}. */
  public static JobSpec parseAsGiven(String yaml, Path baseDir, UnaryOperator<JobSpec> overrides) {
    JobSpecYaml p = new JobSpecYaml(baseDir);
    JobSpec given = p.given(yaml, overrides);
    JobSpecResolver.resolve(given, p.violations); // throws naming every bad field
    return given;
  }

  /** The spec as given, with {@code overrides} applied; reading problems are collected in violations. */
  private JobSpec given(String yaml, UnaryOperator<JobSpec> overrides) {
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      String m = e.getOriginalMessage();
      if (m != null && m.startsWith("Duplicate field '")) {
        String key = m.substring("Duplicate field '".length(), m.lastIndexOf('\''));
        throw new InvalidSpecException("spec", "duplicate key '" + Echo.of(key, 80) + "'" + where
            + ": give each field once");
      }
      throw new InvalidSpecException("spec", "not valid YAML" + where + ": " + Echo.of(m, 300));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSpecException("spec", "the job file must be a YAML mapping of fields (name, model, data, ...)");
    }
    return overrides.apply(spec(root));
  }

  private JobSpec spec(JsonNode n) {
    unknown("spec", n, TOP);
    String strategy = text("spec.strategy", n.get("strategy"));
    if (strategy != null && !strategy.equalsIgnoreCase("allreduce")) {
      violations.add(new Violation("spec.strategy", "unknown strategy '" + strategy + "': use allreduce"));
    }
    Long seed = integer("spec.seed", n.get("seed"));
    Long workers = integer("spec.workers", n.get("workers"));
    return new JobSpec(
        text("spec.name", n.get("name")),
        model(n.get("model")),
        data(n.get("data")),
        intOr("spec.epochs", n.get("epochs"), 0),
        intOr("spec.batchSize", n.get("batchSize"), 0),
        updater(n.get("updater")),
        seed,
        workers == null ? null : workers.intValue(),
        strategy == null ? null : Strategy.ALLREDUCE,
        resources(n.get("resources")),
        faultTolerance(n.get("faultTolerance")),
        kubernetes(n.get("kubernetes")));
  }

  private KubernetesSpec kubernetes(JsonNode n) {
    return kubernetes("spec.kubernetes", n);
  }

  private KubernetesSpec kubernetes(String f, JsonNode n) {
    if (!object(f, n)) {
      return null;
    }
    unknown(f, n, KUBERNETES);
    java.util.Map<String, String> selector = new java.util.LinkedHashMap<>();
    JsonNode sel = n.get("nodeSelector");
    if (object(f + ".nodeSelector", sel)) {
      sel.fields().forEachRemaining(e -> {
        String v = text(f + ".nodeSelector." + e.getKey(), e.getValue());
        if (v != null) {
          selector.put(e.getKey(), v);
        }
      });
    }
    List<KubernetesSpec.Toleration> tolerations = new ArrayList<>();
    JsonNode tl = n.get("tolerations");
    if (list(f + ".tolerations", tl)) {
      for (int i = 0; i < tl.size(); i++) {
        String t = f + ".tolerations[" + i + "]";
        JsonNode e = tl.get(i);
        if (object(t, e)) {
          unknown(t, e, TOLERATION);
          tolerations.add(new KubernetesSpec.Toleration(text(t + ".key", e.get("key")),
              text(t + ".operator", e.get("operator")), text(t + ".value", e.get("value")),
              text(t + ".effect", e.get("effect")), integer(t + ".tolerationSeconds", e.get("tolerationSeconds"))));
        }
      }
    }
    String affinity = null;
    JsonNode af = n.get("affinity");
    if (object(f + ".affinity", af)) {
      affinity = af.toString();
    }
    List<KubernetesSpec.Volume> volumes = new ArrayList<>();
    JsonNode vl = n.get("volumes");
    if (list(f + ".volumes", vl)) {
      for (int i = 0; i < vl.size(); i++) {
        String v = f + ".volumes[" + i + "]";
        JsonNode e = vl.get(i);
        if (object(v, e)) {
          unknown(v, e, VOLUME);
          Boolean ro = bool(v + ".readOnly", e.get("readOnly"));
          volumes.add(new KubernetesSpec.Volume(text(v + ".claimName", e.get("claimName")),
              text(v + ".mountPath", e.get("mountPath")), ro != null && ro));
        }
      }
    }
    return new KubernetesSpec(selector, tolerations, affinity, text(f + ".priorityClassName",
        n.get("priorityClassName")), text(f + ".image", n.get("image")), volumes,
        text(f + ".schedulerName", n.get("schedulerName")), text(f + ".queue", n.get("queue")));
  }

  private boolean list(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isArray()) {
      violations.add(new Violation(field, "must be a list, got " + describe(n)));
      return false;
    }
    return true;
  }

  private FaultToleranceSpec faultTolerance(JsonNode n) {
    if (n == null || n.isNull() || !object("spec.faultTolerance", n)) {
      return null;
    }
    unknown("spec.faultTolerance", n, FT);
    String f = "spec.faultTolerance.";
    Long maxRepl = integer(f + "maxReplacements", n.get("maxReplacements"));
    Boolean skip = bool(f + "skipNonFiniteSteps", n.get("skipNonFiniteSteps"));
    Double wt = number(f + "workerTimeoutS", n.get("workerTimeoutS"));
    Double sw = number(f + "stallWarningS", n.get("stallWarningS"));
    Double st = number(f + "stallTimeoutS", n.get("stallTimeoutS"));
    return new FaultToleranceSpec(
        intOr(f + "minWorkers", n.get("minWorkers"), 0),
        intOr(f + "maxWorkers", n.get("maxWorkers"), 0),
        maxRepl == null ? FaultToleranceSpec.UNSET_MAX_REPLACEMENTS : maxReplacements(f + "maxReplacements", maxRepl),
        intOr(f + "replacementTimeoutS", n.get("replacementTimeoutS"), 0),
        intOr(f + "checkpointEverySteps", n.get("checkpointEverySteps"), 0),
        skip != null && skip,
        wt == null ? 0 : wt,
        sw == null ? 0 : sw,
        st == null ? 0 : st);
  }

  /** A given maxReplacements: never the "unset" marker, whatever was written. */
  private int maxReplacements(String field, long value) {
    if (value < 0) {
      violations.add(new Violation(field, "must be >= 0 (leave it out for the default, 2 x workers), got " + value));
      return 0;
    }
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  private Boolean bool(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isBoolean()) {
      violations.add(new Violation(field, "must be true or false, got " + describe(n)));
      return null;
    }
    return n.asBoolean();
  }

  private ModelSpec model(JsonNode n) {
    if (!object("spec.model", n)) {
      return null;
    }
    unknown("spec.model", n, MODEL);
    String json = text("spec.model.dl4jJson", n.get("dl4jJson"));
    String jsonFile = text("spec.model.dl4jJsonFile", n.get("dl4jJsonFile"));
    String arch = text("spec.model.architecture", n.get("architecture"));
    int given = (json != null ? 1 : 0) + (jsonFile != null ? 1 : 0) + (arch != null ? 1 : 0);
    if (given > 1) {
      violations.add(new Violation("spec.model", "give exactly one of architecture, dl4jJson, dl4jJsonFile"));
      return null;
    }
    if (jsonFile != null) {
      String f = resolve(jsonFile);
      try {
        return new ModelSpec.Dl4jJson(Files.readString(Path.of(f)));
      } catch (IOException e) {
        violations.add(new Violation("spec.model.dl4jJsonFile", "cannot read " + f + ": " + e.getMessage()));
        return null;
      }
    }
    if (json != null) {
      return new ModelSpec.Dl4jJson(json);
    }
    if (arch == null) {
      return null;
    }
    List<Integer> hidden = new ArrayList<>();
    JsonNode h = n.get("hidden");
    if (h != null && !h.isNull()) {
      if (!h.isArray()) {
        violations.add(new Violation("spec.model.hidden", "must be a list of layer sizes, e.g. [256, 128]"));
      } else {
        for (int i = 0; i < h.size(); i++) {
          Long size = integer("spec.model.hidden[" + i + "]", h.get(i));
          hidden.add(size == null ? null : size.intValue());
        }
      }
    }
    return new ModelSpec.Builtin(arch.trim().toLowerCase(Locale.ROOT), hidden,
        text("spec.model.activation", n.get("activation")));
  }

  private DataSpec data(JsonNode n) {
    if (!object("spec.data", n)) {
      return null;
    }
    unknown("spec.data", n, DATA);
    return new DataSpec(dataset("spec.data.train", n.get("train")), dataset("spec.data.test", n.get("test")));
  }

  private DatasetRef dataset(String field, JsonNode n) {
    if (!object(field, n)) {
      return null;
    }
    unknown(field, n, DATASET);
    String path = text(field + ".path", n.get("path"));
    String stored = text(field + ".dataset", n.get("dataset"));
    if (path == null && stored == null) {
      violations.add(new Violation(field + ".path", "missing: give the dataset file (path), or a dataset"
          + " stored on the coordinator by name or hash (dataset)"));
      return null;
    }
    String format = text(field + ".format", n.get("format"));
    DatasetRef.Format f = null;
    if (format != null) {
      try {
        f = DatasetRef.Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        violations.add(new Violation(field + ".format", "unknown format '" + format + "': use idx or csv"));
      }
    }
    String labels = text(field + ".labels", n.get("labels"));
    return new DatasetRef(f, path == null ? "" : resolve(path), labels == null ? null : resolve(labels),
        text(field + ".labelColumn", n.get("labelColumn")), stored,
        text(field + ".labelsDataset", n.get("labelsDataset")));
  }

  private UpdaterSpec updater(JsonNode n) {
    if (!object("spec.updater", n)) {
      return null;
    }
    unknown("spec.updater", n, UPDATER);
    String type = text("spec.updater.type", n.get("type"));
    if (type == null) {
      violations.add(new Violation("spec.updater.type", "missing: use sgd, nesterov or adam"));
      return null;
    }
    UpdaterSpec.Type t = UpdaterSpec.Type.parse(type);
    if (t == null) {
      violations.add(new Violation("spec.updater.type", "unknown updater '" + type + "': use sgd, nesterov or adam"));
      return null;
    }
    Double lr = number("spec.updater.learningRate", n.get("learningRate"));
    if (lr == null && n.get("learningRate") == null) {
      violations.add(new Violation("spec.updater.learningRate", "missing: give a learning rate > 0, e.g. 0.001"));
      return null;
    }
    Double m = number("spec.updater.momentum", n.get("momentum"));
    return new UpdaterSpec(t, lr == null ? Double.NaN : lr, m);
  }

  private ResourceSpec resources(JsonNode n) {
    return resources("spec.resources", n);
  }

  private ResourceSpec resources(String f, JsonNode n) {
    if (!object(f, n)) {
      return null;
    }
    unknown(f, n, RESOURCES);
    return new ResourceSpec(intOr(f + ".heapMb", n.get("heapMb"), 0),
        intOr(f + ".offheapMb", n.get("offheapMb"), 0),
        intOr(f + ".threads", n.get("threads"), 0),
        intOr(f + ".gpus", n.get("gpus"), 0));
  }

  private static final Set<String> DEFAULTS = Set.of("resources", "kubernetes", "gpuKubernetes");

  /**
   * Reads an installation's job defaults ({@link JobDefaults}) from a mapping in job-file terms:
   * {@code resources} (heapMb, offheapMb, threads), {@code kubernetes} (as a job's) and {@code gpuKubernetes}
   * (added for jobs that ask for GPUs). Problems go to {@code violations}, named under {@code field}.
   */
  public static JobDefaults readDefaults(String field, JsonNode n, List<Violation> violations) {
    JobSpecYaml p = new JobSpecYaml(Path.of("/"));
    if (!p.object(field, n)) {
      violations.addAll(p.violations);
      return JobDefaults.BUILT_IN;
    }
    p.unknown(field, n, DEFAULTS);
    ResourceSpec r = p.resources(field + ".resources", n.get("resources"));
    if (r != null && r.gpus() != 0) {
      p.violations.add(new Violation(field + ".resources.gpus", "GPUs are never defaulted: a job asks for them"
          + " (spec.resources.gpus); leave this out"));
    }
    KubernetesSpec k = p.kubernetes(field + ".kubernetes", n.get("kubernetes"));
    KubernetesSpec gpu = p.kubernetes(field + ".gpuKubernetes", n.get("gpuKubernetes"));
    JobDefaults d = new JobDefaults(r == null ? 0 : r.heapMb(), r == null ? 0 : r.offheapMb(),
        r == null ? 0 : r.threads(), k == null ? null : JobSpecResolver.kubernetes(k, KubernetesSpec.EMPTY),
        gpu == null ? null : JobSpecResolver.kubernetes(gpu, KubernetesSpec.EMPTY));
    String res = field + ".resources.";
    if (d.heapMb() != 0 && d.heapMb() < JobSpecValidator.MIN_HEAP_MB) {
      p.violations.add(new Violation(res + "heapMb", "must be >= " + JobSpecValidator.MIN_HEAP_MB + " MiB, got "
          + d.heapMb()));
    }
    if (d.offheapMb() != 0 && d.offheapMb() < JobSpecValidator.MIN_OFFHEAP_MB) {
      p.violations.add(new Violation(res + "offheapMb", "must be >= " + JobSpecValidator.MIN_OFFHEAP_MB
          + " MiB, got " + d.offheapMb()));
    }
    if (d.threads() < 0) {
      p.violations.add(new Violation(res + "threads", "must be >= 1, got " + d.threads()));
    }
    KubernetesSpecValidator.validate(d.kubernetes(), field + ".kubernetes.", p.violations);
    KubernetesSpecValidator.validate(d.gpuKubernetes(), field + ".gpuKubernetes.", p.violations);
    violations.addAll(p.violations);
    return d;
  }

  // ---- helpers: each records a violation and returns null on a wrong type ----

  private String resolve(String path) {
    if (path.contains("://")) {
      return path; // a URI (hdfs://, s3a://, file://: a Spark job's data) is not relative to the job file
    }
    Path p = Path.of(path);
    return p.isAbsolute() ? p.toString() : baseDir.resolve(p).normalize().toString();
  }

  private boolean object(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isObject()) {
      violations.add(new Violation(field, "must be a mapping of fields, got " + describe(n)));
      return false;
    }
    return true;
  }

  private void unknown(String field, JsonNode n, Set<String> known) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        violations.add(new Violation(field + "." + name,
            "unknown field; known fields here: " + String.join(", ", known.stream().sorted().toList())));
      }
    }
  }

  private String text(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode()) {
      violations.add(new Violation(field, "must be a single value, got " + describe(n)));
      return null;
    }
    return n.asText();
  }

  private Long integer(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      violations.add(new Violation(field, "must be an integer, got " + describe(n)));
      return null;
    }
    return n.asLong();
  }

  private int intOr(String field, JsonNode n, int absent) {
    Long l = integer(field, n);
    if (l == null) {
      return absent;
    }
    if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
      violations.add(new Violation(field, "is out of range: " + l));
      return absent;
    }
    return l.intValue();
  }

  private Double number(String field, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber()) {
      violations.add(new Violation(field, "must be a number, got " + describe(n)));
      return null;
    }
    return n.asDouble();
  }

  private static String describe(JsonNode n) {
    if (n.isTextual()) {
      return "'" + n.asText() + "'";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    return n.toString();
  }
}
