package io.ringmaster.job.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a spec on its own, without touching files or building models: everything that can be wrong with
 * the values themselves. It sees the spec with its defaults filled in ({@link JobSpecResolver} calls it;
 * values the user set are kept as written, so messages quote them). File contents and model JSON are
 * checked later by the coordinator ({@code DataProbe}, {@code ModelFactory}). Returns every violation,
 * never throws.
 */
public final class JobSpecValidator {
  /** Upper bounds that protect the coordinator from absurd values. */
  public static final int MAX_EPOCHS = 100_000;
  /**
   * Workers per job a spec may ask for at all: the coordinator's own {@code jobs.maxWorkersPerJob} (default
   * 64, at most 100,000) is the limit that applies; this bound was 256, which refused jobs of a thousand
   * workers that the control plane serves (bench/README.md, "Issue 7 scale").
   */
  public static final int MAX_WORKERS = 100_000;
  public static final int MIN_HEAP_MB = 128;
  public static final int MIN_OFFHEAP_MB = 128;
  public static final int MAX_GPUS_PER_WORKER = 16;
  /**
   * Absolute bounds, whatever a coordinator allows (its own, lower, limits are checked on submission): a
   * value beyond them is a mistake on any machine, and no worker JVM starts with it.
   */
  public static final int MAX_HEAP_MB = 1 << 20;
  public static final int MAX_OFFHEAP_MB = 1 << 20;
  public static final int MAX_THREADS = 1024;
  /** Units of one hidden layer of a built-in model, and hidden layers of an MLP. */
  public static final int MAX_HIDDEN_UNITS = 65_536;
  public static final int MAX_HIDDEN_LAYERS = 64;

  private JobSpecValidator() {}

  static List<Violation> validate(JobSpec spec) {
    List<Violation> v = new ArrayList<>();
    if (spec == null) {
      v.add(new Violation("spec", "missing: give model, data, epochs, batchSize and updater"));
      return v;
    }
    validateModel(spec.model(), v);
    validateData(spec.data(), v);
    if (spec.epochs() < 1) {
      v.add(new Violation("spec.epochs", "must be >= 1, got " + spec.epochs()));
    } else if (spec.epochs() > MAX_EPOCHS) {
      v.add(new Violation("spec.epochs", "must be <= " + MAX_EPOCHS + ", got " + spec.epochs()));
    }
    if (spec.workers() < 1) {
      v.add(new Violation("spec.workers", "must be >= 1, got " + spec.workers()));
    } else if (spec.workers() > MAX_WORKERS) {
      v.add(new Violation("spec.workers", "must be <= " + MAX_WORKERS + ", got " + spec.workers()));
    }
    if (spec.batchSize() < 1) {
      v.add(new Violation("spec.batchSize", "must be >= 1, got " + spec.batchSize()));
    } else if (spec.workers() >= 1 && spec.batchSize() < spec.workers()) {
      v.add(new Violation("spec.batchSize",
          "must be >= workers (" + spec.workers() + "), got " + spec.batchSize()
              + ": it is the global batch, split over the workers every step"));
    }
    validateUpdater(spec.updater(), v);
    ResourceSpec r = spec.resources();
    if (r.heapMb() < MIN_HEAP_MB || r.heapMb() > MAX_HEAP_MB) {
      v.add(new Violation("spec.resources.heapMb", "must be between " + MIN_HEAP_MB + " and " + MAX_HEAP_MB
          + " MiB, got " + r.heapMb()));
    }
    if (r.offheapMb() < MIN_OFFHEAP_MB || r.offheapMb() > MAX_OFFHEAP_MB) {
      v.add(new Violation("spec.resources.offheapMb", "must be between " + MIN_OFFHEAP_MB + " and "
          + MAX_OFFHEAP_MB + " MiB, got " + r.offheapMb()));
    }
    if (r.threads() < 1 || r.threads() > MAX_THREADS) {
      v.add(new Violation("spec.resources.threads", "must be between 1 and " + MAX_THREADS + ", got "
          + r.threads()));
    }
    if (r.gpus() < 0 || r.gpus() > MAX_GPUS_PER_WORKER) {
      v.add(new Violation("spec.resources.gpus", "must be between 0 and " + MAX_GPUS_PER_WORKER
          + " (GPUs per worker), got " + r.gpus()));
    }
    validateFaultTolerance(spec, v);
    KubernetesSpecValidator.validate(spec.kubernetes(), v);
    return v;
  }

  private static void validateFaultTolerance(JobSpec spec, List<Violation> v) {
    FaultToleranceSpec ft = spec.faultTolerance();
    String f = "spec.faultTolerance.";
    if (ft.minWorkers() < 0) {
      v.add(new Violation(f + "minWorkers", "must be >= 1, got " + ft.minWorkers()));
    }
    if (ft.maxWorkers() < 0) {
      v.add(new Violation(f + "maxWorkers", "must be >= 1, got " + ft.maxWorkers()));
    }
    if (ft.maxReplacements() < 0) {
      v.add(new Violation(f + "maxReplacements", "must be >= 0, got " + ft.maxReplacements()));
    }
    if (ft.replacementTimeoutS() < 0) {
      v.add(new Violation(f + "replacementTimeoutS", "must be >= 0, got " + ft.replacementTimeoutS()));
    }
    if (ft.checkpointEverySteps() < 0) {
      v.add(new Violation(f + "checkpointEverySteps", "must be >= 0 (0: epoch ends only), got "
          + ft.checkpointEverySteps()));
    }
    boolean secondsValid = true;
    for (var e : java.util.Map.of("workerTimeoutS", ft.workerTimeoutS(), "stallWarningS", ft.stallWarningS(),
        "stallTimeoutS", ft.stallTimeoutS()).entrySet()) {
      if (e.getValue() < 0 || Double.isNaN(e.getValue()) || Double.isInfinite(e.getValue())) {
        v.add(new Violation(f + e.getKey(), "must be a finite number of seconds >= 0, got " + e.getValue()));
        secondsValid = false;
      }
    }
    if (spec.workers() < 1) {
      return;
    }
    if (ft.minWorkers() > spec.workers()) {
      v.add(new Violation(f + "minWorkers", "must be <= workers (" + spec.workers() + "), got " + ft.minWorkers()));
    }
    if (ft.maxWorkers() > 0 && ft.maxWorkers() < spec.workers()) {
      v.add(new Violation(f + "maxWorkers", "must be >= workers (" + spec.workers() + "), got " + ft.maxWorkers()));
    }
    if (secondsValid && ft.stallTimeoutS() <= ft.stallWarningS()) {
      v.add(new Violation(f + "stallTimeoutS", "must be greater than stallWarningS (" + ft.stallWarningS()
          + " s), got " + ft.stallTimeoutS()));
    }
  }

  private static void validateModel(ModelSpec model, List<Violation> v) {
    if (model == null) {
      v.add(new Violation("spec.model",
          "missing: give model.architecture (mlp or lenet) or model.dl4jJson"));
      return;
    }
    if (model instanceof ModelSpec.Builtin b) {
      if (!ModelSpec.MLP.equals(b.architecture()) && !ModelSpec.LENET.equals(b.architecture())) {
        v.add(new Violation("spec.model.architecture",
            "unknown architecture '" + b.architecture() + "': use mlp or lenet, or give model.dl4jJson"));
      }
      if (b.hidden().size() > MAX_HIDDEN_LAYERS) {
        v.add(new Violation("spec.model.hidden", "at most " + MAX_HIDDEN_LAYERS + " hidden layers, got "
            + b.hidden().size()));
        return;
      }
      for (int i = 0; i < b.hidden().size(); i++) {
        Integer h = b.hidden().get(i);
        if (h == null || h < 1 || h > MAX_HIDDEN_UNITS) {
          v.add(new Violation("spec.model.hidden[" + i + "]", "must be between 1 and " + MAX_HIDDEN_UNITS
              + " units, got " + h));
        }
      }
    } else if (model instanceof ModelSpec.Dl4jJson j && j.json().isBlank()) {
      v.add(new Violation("spec.model.dl4jJson", "is empty: give a MultiLayerConfiguration JSON"));
    }
  }

  private static void validateData(DataSpec data, List<Violation> v) {
    if (data == null) {
      v.add(new Violation("spec.data", "missing: give data.train and data.test"));
      return;
    }
    validateDataset("spec.data.train", data.train(), v);
    validateDataset("spec.data.test", data.test(), v);
  }

  private static void validateDataset(String field, DatasetRef ref, List<Violation> v) {
    if (ref == null) {
      v.add(new Violation(field, "missing: give path (and labels for IDX)"));
      return;
    }
    boolean hasPath = !ref.path().isBlank();
    if (!hasPath && !ref.stored()) {
      v.add(new Violation(field + ".path", "is empty: give a path, or a stored dataset's name or hash as "
          + field.substring("spec.".length()) + ".dataset"));
    } else if (hasPath && ref.stored()) {
      v.add(new Violation(field + ".dataset", "give either path or dataset, not both (path " + ref.path()
          + ", dataset " + ref.dataset() + ")"));
    }
    boolean hasLabelsPath = ref.labelsPath() != null && !ref.labelsPath().isBlank();
    if (ref.format() == DatasetRef.Format.IDX) {
      if (!hasLabelsPath && !ref.labelsStored()) {
        v.add(new Violation(field + ".labels", "missing: IDX data needs a labels file next to the images"
            + " (labels, or labelsDataset for a stored dataset)"));
      } else if (hasLabelsPath && ref.labelsStored()) {
        v.add(new Violation(field + ".labelsDataset", "give either labels or labelsDataset, not both"));
      }
    } else if (ref.labelsStored()) {
      v.add(new Violation(field + ".labelsDataset", "only IDX data has a separate labels file; a CSV file"
          + " holds its labels in its label column"));
    }
  }

  private static void validateUpdater(UpdaterSpec u, List<Violation> v) {
    if (u == null) {
      v.add(new Violation("spec.updater", "missing: give updater.type (sgd, nesterov, adam) and learningRate"));
      return;
    }
    if (!(u.learningRate() > 0) || Double.isInfinite(u.learningRate())) {
      v.add(new Violation("spec.updater.learningRate", "must be a finite number > 0, got " + u.learningRate()));
    }
    if (u.type() == UpdaterSpec.Type.NESTEROV && !(u.momentum() >= 0 && u.momentum() < 1)) {
      v.add(new Violation("spec.updater.momentum", "must be in [0, 1), got " + u.momentum()));
    }
  }
}
