package io.ringmaster.coordinator.datasets;

import java.util.List;

/** Which jobs that have not finished use given bytes; deleting them is refused meanwhile. */
@FunctionalInterface
public interface DatasetUsage {
  /** Ids of the unfinished jobs whose spec refers to {@code sha256}; empty when none. */
  List<String> jobsUsing(String sha256);

  DatasetUsage NONE = sha -> List.of();
}
