package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link JobStore} that forgets everything when the coordinator stops. Jobs are indexed by id and by
 * their {@link JobCursor listing position}, so a page costs its own size (plus the jobs of other states
 * skipped over when filtering), not the number of jobs stored. Readers never block; writers are
 * serialised so that the two indexes agree.
 */
public final class InMemoryJobStore implements JobStore {
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<JobCursor, Job> ordered = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<String, Map<String, CheckpointRef>> checkpoints = new ConcurrentHashMap<>();
  /** The audit trail by seq; a flood of refusals costs O(log n) per record, not a copy of the list. */
  private final ConcurrentSkipListMap<Long, AuditRecord> audit = new ConcurrentSkipListMap<>();
  private final java.util.concurrent.atomic.AtomicLong auditSeq = new java.util.concurrent.atomic.AtomicLong();

  @Override
  public synchronized void put(Job job) {
    Job old = jobs.put(JobStoreArgs.jobId(job), job);
    if (old != null && old.getCreatedAtMs() != job.getCreatedAtMs()) {
      ordered.remove(JobCursor.of(old));
    }
    ordered.put(JobCursor.of(job), job);
  }

  @Override
  public Optional<Job> get(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public List<Job> list() {
    return List.copyOf(ordered.values());
  }

  @Override
  public List<Job> page(Collection<JobState> states, JobCursor after, int limit) {
    return page(states, null, after, limit);
  }

  @Override
  public List<Job> page(Collection<JobState> states, String tenant, JobCursor after, int limit) {
    JobStoreArgs.checkLimit(limit);
    EnumSet<JobState> wanted = states.isEmpty() ? EnumSet.allOf(JobState.class) : EnumSet.copyOf(states);
    NavigableMap<JobCursor, Job> rest = after == null ? ordered : ordered.tailMap(after, false);
    List<Job> page = new ArrayList<>(Math.min(limit, 64));
    for (Job j : rest.values()) {
      if (page.size() >= limit) {
        break;
      }
      if (wanted.contains(j.getState()) && (tenant == null || tenant.equals(j.getTenant()))) {
        page.add(j);
      }
    }
    return page;
  }

  @Override
  public synchronized boolean delete(String id) {
    checkpoints.remove(id);
    Job old = jobs.remove(id);
    if (old == null) {
      return false;
    }
    ordered.remove(JobCursor.of(old));
    return true;
  }

  @Override
  public void audit(AuditRecord record) {
    audit.put(auditSeq.incrementAndGet(), java.util.Objects.requireNonNull(record));
  }

  @Override
  public List<AuditRecord> auditTrail(String jobId) {
    return audit.values().stream().filter(r -> r.jobId().equals(jobId)).toList();
  }

  @Override
  public List<AuditEntry> auditPage(AuditQuery query, long beforeSeq, int limit) {
    List<AuditEntry> page = new java.util.ArrayList<>();
    for (Map.Entry<Long, AuditRecord> e : audit.headMap(beforeSeq, false).descendingMap().entrySet()) {
      if (page.size() >= limit) {
        break;
      }
      if (query.matches(e.getValue())) {
        page.add(new AuditEntry(e.getKey(), e.getValue()));
      }
    }
    return page;
  }

  @Override
  public int deleteAuditBefore(long timeMs) {
    int n = 0;
    for (var it = audit.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().timeMs() < timeMs) {
        it.remove();
        n++;
      }
    }
    return n;
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
