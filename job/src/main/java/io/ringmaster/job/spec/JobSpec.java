package io.ringmaster.job.spec;

import java.util.Objects;

/**
 * A training job: model, data and hyper-parameters. Values are as given by the user, with documented
 * defaults filled in by the parsers ({@link JobSpecYaml}, {@link SpecProtos}); whether they make sense
 * is {@link JobSpecValidator}'s job, so that every problem is reported at once.
 *
 * @param name free-form, may be empty
 * @param epochs passes over the training set, >= 1
 * @param batchSize global batch size in samples, summed over workers, >= workers
 * @param seed parameter initialisation and shuffles; default {@value #DEFAULT_SEED}
 * @param workers number of ranks; default 1
 * @param faultTolerance what happens when workers die or stall, as given (see {@link #ft()} for the
 *     resolved values)
 */
public record JobSpec(
    String name,
    ModelSpec model,
    DataSpec data,
    int epochs,
    int batchSize,
    UpdaterSpec updater,
    long seed,
    int workers,
    Strategy strategy,
    ResourceSpec resources,
    FaultToleranceSpec faultTolerance) {

  public static final long DEFAULT_SEED = 42L;

  public JobSpec {
    name = name == null ? "" : name;
    strategy = strategy == null ? Strategy.ALLREDUCE : strategy;
    resources = resources == null ? ResourceSpec.DEFAULTS : resources.withDefaults();
    faultTolerance = faultTolerance == null ? FaultToleranceSpec.DEFAULTS : faultTolerance;
  }

  /** Fault-tolerance settings with every default resolved against this job's worker count. */
  public FaultToleranceSpec ft() {
    return faultTolerance.resolve(Math.max(1, workers));
  }

  public JobSpec withWorkers(int n) {
    return new JobSpec(name, model, data, epochs, batchSize, updater, seed, n, strategy, resources,
        faultTolerance);
  }

  public JobSpec withEpochs(int e) {
    return new JobSpec(name, model, data, e, batchSize, updater, seed, workers, strategy, resources, faultTolerance);
  }

  public JobSpec withSeed(long s) {
    return new JobSpec(name, model, data, epochs, batchSize, updater, s, workers, strategy, resources, faultTolerance);
  }

  public JobSpec withBatchSize(int b) {
    return new JobSpec(name, model, data, epochs, b, updater, seed, workers, strategy, resources, faultTolerance);
  }

  /** A short label for logs: the name, or the model kind. */
  public String label() {
    if (!name.isEmpty()) {
      return name;
    }
    return Objects.requireNonNullElse(
        model instanceof ModelSpec.Builtin b ? b.architecture() : "dl4j-json", "job");
  }
}
