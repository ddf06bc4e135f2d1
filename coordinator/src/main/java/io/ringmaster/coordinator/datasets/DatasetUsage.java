package io.ringmaster.coordinator.datasets;

import java.util.List;

/** Which jobs that have not finished use given bytes; deleting them is refused meanwhile. */
@FunctionalInterface
public interface DatasetUsage {
  /** Ids of the unfinished jobs (of any tenant) whose spec refers to {@code sha256}; empty when none. */
  List<String> jobsUsing(String sha256);

  /**
   * The tenant of a job {@link #jobsUsing} named ("" for none): a tenant deleting its dataset is refused only
   * for its own jobs, never told about another tenant's.
   */
  default String tenantOf(String jobId) {
    return "";
  }

  DatasetUsage NONE = sha -> List.of();
}
