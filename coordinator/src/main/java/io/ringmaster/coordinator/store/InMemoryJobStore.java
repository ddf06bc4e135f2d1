package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link JobStore} that forgets everything when the coordinator stops. */
public final class InMemoryJobStore implements JobStore {
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Map<String, CheckpointRef>> checkpoints = new ConcurrentHashMap<>();

  @Override
  public void put(Job job) {
    jobs.put(JobStoreArgs.jobId(job), job);
  }

  @Override
  public Optional<Job> get(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public List<Job> list() {
    return jobs.values().stream()
        .sorted(Comparator.comparingLong(Job::getCreatedAtMs).reversed().thenComparing(Job::getId))
        .toList();
  }

  @Override
  public void addCheckpoint(CheckpointRef ref) {
    JobStoreArgs.check(ref);
    checkpoints.computeIfAbsent(ref.getJobId(), k -> new ConcurrentHashMap<>()).put(ref.getId(), ref);
  }

  @Override
  public List<CheckpointRef> checkpoints(String jobId) {
    Map<String, CheckpointRef> refs = checkpoints.get(jobId);
    return refs == null ? List.of() : refs.values().stream().sorted(CheckpointRefs.NEWEST_FIRST).toList();
  }

  @Override
  public boolean removeCheckpoint(String jobId, String checkpointId) {
    Map<String, CheckpointRef> refs = checkpoints.get(jobId);
    return refs != null && refs.remove(checkpointId) != null;
  }
}
