package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.Job;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link JobStore} that forgets everything when the coordinator stops. */
public final class InMemoryJobStore implements JobStore {
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();

  @Override
  public void put(Job job) {
    jobs.put(job.getId(), job);
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
}
