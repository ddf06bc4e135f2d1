package io.ringmaster.job.spec;

import java.util.Objects;

/**
 * A training job: model, data and hyper-parameters.
 *
 * <p>Two forms share this record. As <em>given</em> (read from YAML or a proto by {@link JobSpecYaml} and
 * {@link SpecProtos}), a field the user left out is null (or the documented "unset" value of its
 * component record) and nothing is checked. As <em>resolved</em> ({@link JobSpecResolver#resolve}), every
 * default is filled in and the values are valid: this is the form the coordinator stores, sends to workers
 * in {@code Assign}, and everything after validation reads.
 *
 * @param name free-form, may be empty; default ""
 * @param epochs passes over the training set, >= 1
 * @param batchSize global batch size in samples, summed over workers, >= workers
 * @param seed parameter initialisation and shuffles; default {@value #DEFAULT_SEED}
 * @param workers number of ranks; default 1
 * @param strategy default {@link Strategy#ALLREDUCE}
 * @param resources bounds of one worker JVM; default {@link ResourceSpec#DEFAULTS}
 * @param faultTolerance what happens when workers die or stall; see {@link FaultToleranceSpec} for the
 *     defaults, which depend on {@code workers}
 * @param kubernetes placement and volumes of worker pods (Kubernetes scheduler only); default {@link
 *     KubernetesSpec#EMPTY}
 */
public record JobSpec(
    String name,
    ModelSpec model,
    DataSpec data,
    int epochs,
    int batchSize,
    UpdaterSpec updater,
    Long seed,
    Integer workers,
    Strategy strategy,
    ResourceSpec resources,
    FaultToleranceSpec faultTolerance,
    KubernetesSpec kubernetes) {

  public static final long DEFAULT_SEED = 42L;

  /**
   * The fault-tolerance settings of a resolved spec (every default filled in): the same as {@link
   * #faultTolerance()}.
   */
  public FaultToleranceSpec ft() {
    return Objects.requireNonNull(faultTolerance, "faultTolerance: the spec is not resolved (JobSpecResolver)");
  }

  /** The same spec with {@code n} workers. */
  public JobSpec withWorkers(int n) {
    return new JobSpec(name, model, data, epochs, batchSize, updater, seed, n, strategy, resources,
        faultTolerance, kubernetes);
  }

  /** The same spec with other data (e.g. dataset names pinned to hashes). */
  public JobSpec withData(DataSpec d) {
    return new JobSpec(name, model, d, epochs, batchSize, updater, seed, workers, strategy, resources,
        faultTolerance, kubernetes);
  }

  /** The same spec with {@code e} epochs. */
  public JobSpec withEpochs(int e) {
    return new JobSpec(name, model, data, e, batchSize, updater, seed, workers, strategy, resources, faultTolerance,
        kubernetes);
  }

  /** A short label for logs: the name, or the model kind. */
  public String label() {
    if (name != null && !name.isEmpty()) {
      return name;
    }
    return Objects.requireNonNullElse(
        model instanceof ModelSpec.Builtin b ? b.architecture() : "dl4j-json", "job");
  }
}
