package io.ringmaster.job.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a spec as given into the resolved spec: the one place where defaults are filled in, followed by
 * the one value validation. Every reader calls it once ({@link JobSpecYaml} for job files, {@link
 * SpecProtos#resolve} for the coordinator); what comes out is stored and sent as it is, and a worker reads
 * it back with a plain conversion ({@link SpecProtos#fromProto}).
 *
 * <p>The defaults, applied only to values left unset (null, or the unset value of a component):
 *
 * <table>
 *   <caption>defaults</caption>
 *   <tr><th>field</th><th>unset</th><th>default</th></tr>
 *   <tr><td>name</td><td>null</td><td>""</td></tr>
 *   <tr><td>seed</td><td>null</td><td>{@value JobSpec#DEFAULT_SEED}</td></tr>
 *   <tr><td>workers</td><td>null</td><td>1</td></tr>
 *   <tr><td>strategy</td><td>null</td><td>allreduce</td></tr>
 *   <tr><td>model.hidden / model.activation (built-in)</td><td>null or empty / null or blank</td><td>[256,
 *       128] / "{@value ModelSpec.Builtin#DEFAULT_ACTIVATION}"</td></tr>
 *   <tr><td>data.*.format</td><td>null</td><td>from the path (or the dataset's name): *.csv or *.csv.gz is CSV, anything else
 *       IDX</td></tr>
 *   <tr><td>data.*.labelColumn (CSV)</td><td>null or blank</td><td>"{@value
 *       DatasetRef#DEFAULT_LABEL_COLUMN}"</td></tr>
 *   <tr><td>updater.momentum</td><td>null</td><td>{@value UpdaterSpec#DEFAULT_MOMENTUM}</td></tr>
 *   <tr><td>resources.heapMb / offheapMb / threads</td><td>0 (or no resources)</td><td>{@value
 *       ResourceSpec#DEFAULT_HEAP_MB} / {@value ResourceSpec#DEFAULT_OFFHEAP_MB} / {@value
 *       ResourceSpec#DEFAULT_THREADS}</td></tr>
 *   <tr><td>resources.gpus</td><td>0</td><td>0 (no GPUs)</td></tr>
 *   <tr><td>kubernetes (and each of its fields)</td><td>null, empty</td><td>the installation's ({@link
 *       JobDefaults#placementFor}), else empty ({@link KubernetesSpec#EMPTY})</td></tr>
 *   <tr><td>faultTolerance.minWorkers</td><td>0</td><td>{@value FaultToleranceSpec#DEFAULT_MIN_WORKERS}</td></tr>
 *   <tr><td>faultTolerance.maxWorkers</td><td>0</td><td>workers</td></tr>
 *   <tr><td>faultTolerance.maxReplacements</td><td>-1</td><td>2 x workers</td></tr>
 *   <tr><td>faultTolerance.replacementTimeoutS</td><td>0</td><td>{@value
 *       FaultToleranceSpec#DEFAULT_REPLACEMENT_TIMEOUT_S}</td></tr>
 *   <tr><td>faultTolerance.workerTimeoutS / stallWarningS / stallTimeoutS</td><td>0</td><td>{@value
 *       FaultToleranceSpec#DEFAULT_WORKER_TIMEOUT_S} / {@value FaultToleranceSpec#DEFAULT_STALL_WARNING_S} /
 *       {@value FaultToleranceSpec#DEFAULT_STALL_TIMEOUT_S}</td></tr>
 * </table>
 *
 * <p>An installation may replace the built-in worker defaults ({@link JobDefaults}: the coordinator's
 * {@code jobDefaults} settings): resources.heapMb / offheapMb / threads and the {@code kubernetes} fields.
 * Readers outside the coordinator (the CLI) check a spec with the built-in defaults but send it as given, so
 * the coordinator's defaults apply to what the user left out.
 *
 * <p>A value that is set stays as it is, valid or not, so that the validator reports it as the user wrote
 * it. Resolving a resolved spec changes nothing.
 */
public final class JobSpecResolver {
  private JobSpecResolver() {}

  /**
   * The resolved spec: defaults filled in, then validated.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(JobSpec given) {
    return resolve(given, List.of());
  }

  /**
   * The resolved spec, with the problems a reader already found while converting (wrong types, unknown
   * names) reported together with the validator's; the validator's reports on fields already named are
   * dropped.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(JobSpec given, List<Violation> readViolations) {
    return resolve(given, JobDefaults.BUILT_IN, readViolations);
  }

  /**
   * {@link #resolve(JobSpec, List)} with an installation's defaults for what the job leaves unset.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(JobSpec given, JobDefaults defaults, List<Violation> readViolations) {
    JobSpec resolved = given == null ? null : withDefaults(given, defaults);
    List<Violation> all = new ArrayList<>(readViolations);
    for (Violation later : JobSpecValidator.validate(resolved)) {
      boolean covered = readViolations.stream()
          .anyMatch(e -> e.field().startsWith(later.field()) || later.field().startsWith(e.field()));
      if (!covered) {
        all.add(later);
      }
    }
    if (!all.isEmpty()) {
      throw new InvalidSpecException(all);
    }
    return resolved;
  }

  /**
   * {@code given} with every unset value replaced by its default; never throws, checks nothing. For specs
   * that do not come from users (tests, tools); a user's spec goes through {@link #resolve(JobSpec)}.
   */
  public static JobSpec withDefaults(JobSpec given) {
    return withDefaults(given, JobDefaults.BUILT_IN);
  }

  /** {@link #withDefaults(JobSpec)} with an installation's defaults for what the job leaves unset. */
  public static JobSpec withDefaults(JobSpec given, JobDefaults defaults) {
    int workers = given.workers() == null ? 1 : given.workers();
    UpdaterSpec u = given.updater();
    if (u != null && u.momentum() == null) {
      u = new UpdaterSpec(u.type(), u.learningRate(), UpdaterSpec.DEFAULT_MOMENTUM);
    }
    return new JobSpec(
        given.name() == null ? "" : given.name(),
        model(given.model()),
        data(given.data()),
        given.epochs(),
        given.batchSize(),
        u,
        given.seed() == null ? JobSpec.DEFAULT_SEED : given.seed(),
        workers,
        given.strategy() == null ? Strategy.ALLREDUCE : given.strategy(),
        resources(given.resources(), defaults),
        faultTolerance(given.faultTolerance(), Math.max(1, workers)),
        kubernetes(given.kubernetes(), defaults.placementFor(given.resources() == null ? 0 : given.resources().gpus())));
  }

  private static ModelSpec model(ModelSpec m) {
    if (!(m instanceof ModelSpec.Builtin b)) {
      return m;
    }
    return new ModelSpec.Builtin(b.architecture(),
        b.hidden() == null || b.hidden().isEmpty() ? ModelSpec.Builtin.DEFAULT_HIDDEN : b.hidden(),
        b.activation() == null || b.activation().isBlank() ? ModelSpec.Builtin.DEFAULT_ACTIVATION : b.activation());
  }

  private static DataSpec data(DataSpec d) {
    return d == null ? null : new DataSpec(dataset(d.train()), dataset(d.test()));
  }

  private static DatasetRef dataset(DatasetRef r) {
    if (r == null) {
      return null;
    }
    DatasetRef.Format format = r.format() != null ? r.format()
        : DatasetRef.Format.inferFrom(r.path().isEmpty() && r.stored() ? r.dataset() : r.path());
    String labelColumn = format == DatasetRef.Format.CSV && (r.labelColumn() == null || r.labelColumn().isBlank())
        ? DatasetRef.DEFAULT_LABEL_COLUMN : r.labelColumn();
    return new DatasetRef(format, r.path(), r.labelsPath(), labelColumn, blankToNull(r.dataset()),
        blankToNull(r.labelsDataset()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static ResourceSpec resources(ResourceSpec r, JobDefaults d) {
    if (r == null) {
      r = new ResourceSpec(0, 0, 0, 0);
    }
    return new ResourceSpec(
        r.heapMb() != 0 ? r.heapMb() : d.heapMb() != 0 ? d.heapMb() : ResourceSpec.DEFAULT_HEAP_MB,
        r.offheapMb() != 0 ? r.offheapMb() : d.offheapMb() != 0 ? d.offheapMb() : ResourceSpec.DEFAULT_OFFHEAP_MB,
        r.threads() != 0 ? r.threads() : d.threads() != 0 ? d.threads() : ResourceSpec.DEFAULT_THREADS,
        r.gpus());
  }

  /** Each field the job leaves null or empty takes the installation's default {@code d}. */
  static KubernetesSpec kubernetes(KubernetesSpec k, KubernetesSpec d) {
    if (k == null) {
      return d;
    }
    return new KubernetesSpec(
        k.nodeSelector() == null || k.nodeSelector().isEmpty() ? d.nodeSelector() : k.nodeSelector(),
        k.tolerations() == null || k.tolerations().isEmpty() ? d.tolerations() : k.tolerations(),
        k.affinityJson() == null || k.affinityJson().isEmpty() ? d.affinityJson() : k.affinityJson(),
        k.priorityClassName() == null || k.priorityClassName().isEmpty() ? d.priorityClassName() : k.priorityClassName(),
        k.image() == null || k.image().isEmpty() ? d.image() : k.image(),
        k.volumes() == null || k.volumes().isEmpty() ? d.volumes() : k.volumes(),
        k.schedulerName() == null || k.schedulerName().isEmpty() ? d.schedulerName() : k.schedulerName(),
        k.queue() == null || k.queue().isEmpty() ? d.queue() : k.queue());
  }

  private static FaultToleranceSpec faultTolerance(FaultToleranceSpec f, int workers) {
    if (f == null) {
      f = new FaultToleranceSpec(0, 0, FaultToleranceSpec.UNSET_MAX_REPLACEMENTS, 0, 0, false, 0, 0, 0);
    }
    return new FaultToleranceSpec(
        f.minWorkers() == 0 ? FaultToleranceSpec.DEFAULT_MIN_WORKERS : f.minWorkers(),
        f.maxWorkers() == 0 ? workers : f.maxWorkers(),
        f.maxReplacements() == FaultToleranceSpec.UNSET_MAX_REPLACEMENTS ? 2 * workers : f.maxReplacements(),
        f.replacementTimeoutS() == 0 ? FaultToleranceSpec.DEFAULT_REPLACEMENT_TIMEOUT_S : f.replacementTimeoutS(),
        f.checkpointEverySteps(),
        f.skipNonFiniteSteps(),
        f.workerTimeoutS() == 0 ? FaultToleranceSpec.DEFAULT_WORKER_TIMEOUT_S : f.workerTimeoutS(),
        f.stallWarningS() == 0 ? FaultToleranceSpec.DEFAULT_STALL_WARNING_S : f.stallWarningS(),
        f.stallTimeoutS() == 0 ? FaultToleranceSpec.DEFAULT_STALL_TIMEOUT_S : f.stallTimeoutS());
  }
}
