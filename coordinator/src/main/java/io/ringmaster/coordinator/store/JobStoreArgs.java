package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;

/** Argument checks shared by the {@link JobStore} implementations. */
final class JobStoreArgs {
  private JobStoreArgs() {}

  static String jobId(Job job) {
    if (job.getId().isEmpty()) {
      throw new IllegalArgumentException("cannot store a job without an id (Job.id is empty)");
    }
    return job.getId();
  }

  static void check(CheckpointRef ref) {
    if (ref.getJobId().isEmpty() || ref.getId().isEmpty()) {
      throw new IllegalArgumentException("cannot record a checkpoint reference without job_id and id: "
          + "job_id='" + ref.getJobId() + "', id='" + ref.getId() + "'");
    }
  }

  static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one job: limit must be >= 1, got " + limit);
    }
  }
}
