package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A durable {@link JobStore} with every job also held in memory, so that reads (GetJob, ListJobs pages,
 * admission) never touch the disk or parse stored bytes: the coordinator serves them from the
 * {@link InMemoryJobStore} index. Writes go to the durable store first (when one returns, it is durable,
 * as the durable store promises) and then to memory, under one lock so both see the same order.
 * Checkpoint references are rare and are read from the durable store.
 *
 * <p>Memory: one {@code Job} per stored job (~0.5-5 KB each); keep the number of finished jobs bounded
 * with a retention policy.
 */
public final class CachedJobStore implements JobStore {
  private final JobStore durable;
  private final InMemoryJobStore memory = new InMemoryJobStore();

  /** Loads every job of {@code durable} into memory. */
  public CachedJobStore(JobStore durable) {
    this.durable = durable;
    durable.list().forEach(memory::put);
  }

  @Override
  public synchronized void put(Job job) {
    durable.put(job);
    memory.put(job);
  }

  @Override
  public Optional<Job> get(String id) {
    return memory.get(id);
  }

  @Override
  public List<Job> list() {
    return memory.list();
  }

  @Override
  public List<Job> listInState(Collection<JobState> states) {
    return memory.listInState(states);
  }

  @Override
  public List<Job> page(Collection<JobState> states, JobCursor after, int limit) {
    return memory.page(states, after, limit);
  }

  @Override
  public List<Job> page(Collection<JobState> states, String tenant, JobCursor after, int limit) {
    return memory.page(states, tenant, after, limit);
  }

  @Override
  public void audit(AuditRecord record) {
    durable.audit(record);
  }

  @Override
  public List<AuditRecord> auditTrail(String jobId) {
    return durable.auditTrail(jobId);
  }

  @Override
  public List<AuditEntry> auditPage(AuditQuery query, long beforeSeq, int limit) {
    return durable.auditPage(query, beforeSeq, limit); // audit records are not cached: read rarely
  }

  @Override
  public int deleteAuditBefore(long timeMs) {
    return durable.deleteAuditBefore(timeMs);
  }

  @Override
  public synchronized boolean delete(String id) {
    boolean existed = durable.delete(id);
    return memory.delete(id) || existed;
  }

  @Override
  public void addCheckpoint(CheckpointRef ref) {
    durable.addCheckpoint(ref);
  }

  @Override
  public List<CheckpointRef> checkpoints(String jobId) {
    return durable.checkpoints(jobId);
  }

  @Override
  public boolean removeCheckpoint(String jobId, String checkpointId) {
    return durable.removeCheckpoint(jobId, checkpointId);
  }

  @Override
  public boolean durable() {
    return durable.durable();
  }

  @Override
  public void close() {
    durable.close();
  }
}
