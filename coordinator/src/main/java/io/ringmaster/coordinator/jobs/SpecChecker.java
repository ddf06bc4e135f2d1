package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.datasets.DatasetScope;
import io.ringmaster.coordinator.datasets.StoredDatasets;
import io.ringmaster.job.data.DataProbe;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.ProbeResult;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobDefaults;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.Violation;
import io.ringmaster.model.ModelFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything checked before a job is accepted, so that a bad job fails at submission and not on a
 * worker: the spec's values (resolved once here: {@link SpecProtos#resolve}), the coordinator's limits,
 * the data files (existence, format, sizes) and the model against the data. What passes is the resolved
 * spec, in both forms, that the coordinator stores and sends to workers.
 *
 * <p>A dataset stored on the coordinator ({@code data.*.dataset}, {@code labelsDataset}) is looked up by
 * name or hash, its stored file probed like a path, and the name replaced by the SHA-256 it points at
 * (pinned): the job trains on the bytes it was validated against even if the name moves later.
 */
public final class SpecChecker {
  private final int maxWorkersPerJob;
  private final StoredDatasets datasets;
  private final JobDefaults defaults;
  private final SpecLimits limits;
  private final DataRoots roots;

  public SpecChecker(int maxWorkersPerJob) {
    this(maxWorkersPerJob, StoredDatasets.NONE);
  }

  public SpecChecker(int maxWorkersPerJob, StoredDatasets datasets) {
    this(maxWorkersPerJob, datasets, JobDefaults.BUILT_IN, SpecLimits.DEFAULTS, DataRoots.UNCONFINED);
  }

  /** A checker that fills what specs leave out with the installation's {@code defaults}. */
  public SpecChecker(int maxWorkersPerJob, StoredDatasets datasets, JobDefaults defaults) {
    this(maxWorkersPerJob, datasets, defaults, SpecLimits.DEFAULTS, DataRoots.UNCONFINED);
  }

  /**
   * @param limits the coordinator's bounds on resources and model size
   * @param roots where data paths may lie; checked before any file is opened
   */
  public SpecChecker(int maxWorkersPerJob, StoredDatasets datasets, SpecLimits limits, DataRoots roots) {
    this(maxWorkersPerJob, datasets, JobDefaults.BUILT_IN, limits, roots);
  }

  /**
   * @param defaults the installation's defaults for what specs leave out
   * @param limits the coordinator's bounds on resources and model size
   * @param roots where data paths may lie; checked before any file is opened
   */
  public SpecChecker(int maxWorkersPerJob, StoredDatasets datasets, JobDefaults defaults, SpecLimits limits,
      DataRoots roots) {
    this.maxWorkersPerJob = maxWorkersPerJob;
    this.datasets = datasets;
    this.defaults = java.util.Objects.requireNonNull(defaults, "defaults");
    this.limits = limits;
    this.roots = roots;
  }

  /** The coordinator's limits on resources, model size and workers, next to the spec's own checks. */
  private void checkLimits(io.ringmaster.proto.v1.JobSpec proto, List<Violation> out) {
    if (proto.getWorkers() > maxWorkersPerJob) {
      out.add(new Violation("spec.workers", "must be <= " + maxWorkersPerJob
          + " (this coordinator's limit per job), got " + proto.getWorkers()));
    }
    var r = proto.getResources();
    if (r.getHeapMb() > limits.maxHeapMb()) {
      out.add(new Violation("spec.resources.heapMb", "must be <= " + limits.maxHeapMb()
          + " MiB (this coordinator's limit per worker), got " + r.getHeapMb()));
    }
    if (r.getOffheapMb() > limits.maxOffheapMb()) {
      out.add(new Violation("spec.resources.offheapMb", "must be <= " + limits.maxOffheapMb()
          + " MiB (this coordinator's limit per worker), got " + r.getOffheapMb()));
    }
    if (r.getThreads() > limits.maxThreads()) {
      out.add(new Violation("spec.resources.threads", "must be <= " + limits.maxThreads()
          + " (this coordinator's limit per worker), got " + r.getThreads()));
    }
  }

  /** Data paths outside the roots, before anything opens them. */
  private void checkRoots(JobSpec spec, List<Violation> out) {
    if (spec.data() == null) {
      return;
    }
    for (var e : java.util.Map.of("spec.data.train", java.util.Optional.ofNullable(spec.data().train()),
        "spec.data.test", java.util.Optional.ofNullable(spec.data().test())).entrySet()) {
      e.getValue().ifPresent(ref -> {
        roots.check(e.getKey() + ".path", ref.path()).ifPresent(out::add);
        roots.check(e.getKey() + ".labels", ref.labelsPath()).ifPresent(out::add);
      });
    }
  }

  /**
   * The model's size against the coordinator's limit and the job's off-heap memory, counted without
   * building it; empty when it fits (or cannot be counted: the model's own validation then says why).
   */
  private List<Violation> checkModelSize(JobSpec spec, io.ringmaster.job.data.DatasetInfo train) {
    long params = ModelFactory.parameterCount(spec.model(), train);
    if (params < 0) {
      return List.of();
    }
    if (params > limits.maxParameters()) {
      return List.of(new Violation("spec.model", "has " + params + " parameters on this data, more than this"
          + " coordinator's limit of " + limits.maxParameters() + "; make the layers smaller"));
    }
    long neededMb = (params * SpecLimits.BYTES_PER_PARAMETER >> 20) + 1;
    if (neededMb > spec.resources().offheapMb()) {
      return List.of(new Violation("spec.resources.offheapMb", "the model has " + params + " parameters, which"
          + " need about " + neededMb + " MiB off-heap per worker (" + SpecLimits.BYTES_PER_PARAMETER
          + " bytes each: parameters, gradient, updater state, all-reduce buffer), more than the "
          + spec.resources().offheapMb() + " MiB given; raise offheapMb or make the layers smaller"));
    }
    return List.of();
  }

  /**
   * The resolved, checked job, naming stored datasets as the coordinator itself sees them (every tenant's):
   * for jobs submitted without a tenant and for jobs already accepted (recovery).
   *
   * @throws InvalidSpecException naming every bad field
   */
  public ValidatedJob check(io.ringmaster.proto.v1.JobSpec proto) {
    return check(proto, DatasetScope.EVERY_TENANT);
  }

  /**
   * The resolved, checked job. The coordinator's own limit (workers per job) is reported together with the
   * spec's value problems; files and model are checked once the values are valid. Stored datasets are
   * looked up as {@code scope} sees them: another tenant's dataset is refused exactly as an unknown one.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public ValidatedJob check(io.ringmaster.proto.v1.JobSpec proto, DatasetScope scope) {
    List<Violation> limits = new ArrayList<>();
    ClientStringLimits.check(proto, limits);
    checkLimits(proto, limits);
    JobSpec given = SpecProtos.resolve(proto, defaults, limits);
    List<Violation> v = new ArrayList<>();
    checkRoots(given, v);
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    Pinned pinnedTrain = pin(scope, "spec.data.train", given.data().train(), v);
    Pinned pinnedTest = pin(scope, "spec.data.test", given.data().test(), v);
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    JobSpec spec = given.withData(new DataSpec(pinnedTrain.ref(), pinnedTest.ref()));
    ProbeResult train = pinnedTrain.probe("spec.data.train");
    ProbeResult test = pinnedTest.probe("spec.data.test");
    v.addAll(train.violations());
    v.addAll(test.violations());
    if (train.info() != null) {
      List<Violation> size = checkModelSize(spec, train.info());
      v.addAll(size.isEmpty() ? ModelFactory.validate(spec.model(), train.info()) : size);
      if (test.info() != null) {
        v.addAll(DataProbe.checkCompatible("spec.data.test", train.info(), test.info()));
      }
    }
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    DatasetInfo t = train.info();
    return new ValidatedJob(spec, SpecProtos.toProto(spec), t, test.info());
  }

  /** A dataset reference with names pinned to hashes, and the same with local files to probe. */
  private record Pinned(DatasetRef ref, DatasetRef probeRef) {
    ProbeResult probe(String field) {
      ProbeResult r = DataProbe.probe(field, probeRef);
      if (r.violations().isEmpty() || !(ref.stored() || ref.labelsStored())) {
        return r;
      }
      List<Violation> renamed = r.violations().stream().map(x -> new Violation(x.field()
          .replace(field + ".path", ref.stored() ? field + ".dataset" : field + ".path")
          .replace(field + ".labels", ref.labelsStored() ? field + ".labelsDataset" : field + ".labels"),
          x.message())).toList();
      return ProbeResult.invalid(renamed);
    }
  }

  private Pinned pin(DatasetScope scope, String field, DatasetRef ref, List<Violation> v) {
    if (ref == null || !(ref.stored() || ref.labelsStored())) {
      return new Pinned(ref, ref);
    }
    String file = ref.path();
    String sha = ref.dataset();
    if (ref.stored()) {
      Optional<StoredDatasets.StoredFile> f = lookup(scope, field + ".dataset", ref.dataset(), v);
      file = f.map(x -> x.path().toString()).orElse("");
      sha = f.map(StoredDatasets.StoredFile::sha256).orElse(ref.dataset());
    }
    String labels = ref.labelsPath();
    String labelsSha = ref.labelsDataset();
    if (ref.labelsStored()) {
      Optional<StoredDatasets.StoredFile> f = lookup(scope, field + ".labelsDataset", ref.labelsDataset(), v);
      labels = f.map(x -> x.path().toString()).orElse(null);
      labelsSha = f.map(StoredDatasets.StoredFile::sha256).orElse(ref.labelsDataset());
    }
    DatasetRef pinned = new DatasetRef(ref.format(), ref.path(), ref.labelsPath(), ref.labelColumn(), sha, labelsSha);
    return new Pinned(pinned, new DatasetRef(ref.format(), file, labels, ref.labelColumn(), null, null));
  }

  private Optional<StoredDatasets.StoredFile> lookup(DatasetScope scope, String field, String nameOrHash,
      List<Violation> v) {
    Optional<StoredDatasets.StoredFile> f = datasets.find(scope, nameOrHash);
    if (f.isEmpty()) { // the same words for another tenant's dataset: no existence oracle
      v.add(new Violation(field, "no dataset " + nameOrHash + " is stored on this coordinator; push it first"
          + " (`ringmaster datasets push FILE --name " + nameOrHash + "`) or see `ringmaster datasets ls`"));
    }
    return f;
  }

  /**
   * The resolved, checked job whose datasets are not files the coordinator can read but rows its host
   * already holds (a Spark driver's DataFrames): {@code train} and {@code test} are their shapes, and
   * the spec's data paths are only labels. Values, limits and the model against the shapes are checked.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public ValidatedJob checkWithShapes(io.ringmaster.proto.v1.JobSpec proto, DatasetInfo train, DatasetInfo test) {
    List<Violation> limits = new ArrayList<>();
    checkLimits(proto, limits);
    JobSpec spec = SpecProtos.resolve(proto, defaults, limits);
    List<Violation> size = checkModelSize(spec, train);
    List<Violation> v = new ArrayList<>(size.isEmpty() ? ModelFactory.validate(spec.model(), train) : size);
    v.addAll(DataProbe.checkCompatible("spec.data.test", train, test));
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    return new ValidatedJob(spec, SpecProtos.toProto(spec), train, test);
  }
}
