package io.ringmaster.coordinator.datasets;

import io.ringmaster.proto.v1.Job;
import java.nio.file.Path;
import java.util.Optional;

/** What the dataset service needs to know about jobs: which exist, which use data, which files they name. */
public interface JobFiles extends DatasetUsage {
  /** The job, or empty when this coordinator does not know it. */
  Optional<Job> job(String jobId);

  @Override
  default String tenantOf(String jobId) {
    return job(jobId).map(Job::getTenant).orElse("");
  }

  /** A data file a known job names by path, by the SHA-256 recorded in its provenance. */
  Optional<Path> dataFile(String sha256);

  /**
   * Whether {@code sha256} is one of the data files of job {@code jobId} (a stored dataset its spec names, or a
   * file its provenance recorded): the only files {@code DownloadFile} serves to that job's workers. Default:
   * none (fail closed).
   */
  default boolean isDataFileOf(String jobId, String sha256) {
    return false;
  }

  /**
   * Whether jobs may read {@code path} by path (it lies under the coordinator's data roots, if it has any):
   * CheckFiles answers only for such files, so that it tells nothing about the others.
   */
  default boolean mayRead(Path path) {
    return true;
  }

  /** Name of the model file in a job's directory. */
  String MODEL_FILE = "model.zip";
}
