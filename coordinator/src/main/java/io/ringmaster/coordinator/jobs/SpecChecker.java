package io.ringmaster.coordinator.jobs;

import io.ringmaster.job.data.DataProbe;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.ProbeResult;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.Violation;
import io.ringmaster.model.ModelFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything checked before a job is accepted, so that a bad job fails at submission and not on a
 * worker: the spec's values (resolved once here: {@link SpecProtos#resolve}), the coordinator's limits,
 * the data files (existence, format, sizes) and the model against the data. What passes is the resolved
 * spec, in both forms, that the coordinator stores and sends to workers.
 */
public final class SpecChecker {
  private final int maxWorkersPerJob;

  public SpecChecker(int maxWorkersPerJob) {
    this.maxWorkersPerJob = maxWorkersPerJob;
  }

  /**
   * The resolved, checked job. The coordinator's own limit (workers per job) is reported together with the
   * spec's value problems; files and model are checked once the values are valid.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public ValidatedJob check(io.ringmaster.proto.v1.JobSpec proto) {
    List<Violation> limits = new ArrayList<>();
    ClientStringLimits.check(proto, limits);
    if (proto.getWorkers() > maxWorkersPerJob) {
      limits.add(new Violation("spec.workers", "must be <= " + maxWorkersPerJob
          + " (this coordinator's limit per job), got " + proto.getWorkers()));
    }
    JobSpec spec = SpecProtos.resolve(proto, limits);
    List<Violation> v = new ArrayList<>();
    ProbeResult train = DataProbe.probe("spec.data.train", spec.data().train());
    ProbeResult test = DataProbe.probe("spec.data.test", spec.data().test());
    v.addAll(train.violations());
    v.addAll(test.violations());
    if (train.info() != null) {
      v.addAll(ModelFactory.validate(spec.model(), train.info()));
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
}
