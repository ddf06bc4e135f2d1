package io.ringmaster.coordinator.auth;

/**
 * What one tenant may use at once, on top of the coordinator's own limits. Zero means "no limit of the
 * tenant's own" for each field.
 *
 * @param maxActiveJobs jobs of the tenant that are queued or running at once (a submission beyond it gets
 *     RESOURCE_EXHAUSTED)
 * @param maxWorkersPerJob largest {@code spec.workers} (and {@code faultTolerance.maxWorkers}) of one job
 * @param maxWorkerMemoryMb largest {@code resources.heapMb + resources.offheapMb} of one worker
 */
public record TenantQuota(int maxActiveJobs, int maxWorkersPerJob, int maxWorkerMemoryMb) {
  /** No limit beyond the coordinator's. */
  public static final TenantQuota UNLIMITED = new TenantQuota(0, 0, 0);

  public TenantQuota {
    if (maxActiveJobs < 0 || maxWorkersPerJob < 0 || maxWorkerMemoryMb < 0) {
      throw new IllegalArgumentException("quota values must be >= 0 (0: no limit)");
    }
  }
}
