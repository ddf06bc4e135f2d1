package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where the coordinator keeps every job it knows: spec, state, per-epoch metrics, model path, and the
 * references of the job's stored checkpoints. The coordinator writes on every state change and every
 * finished epoch (not on progress ticks). A durable implementation ({@link SqliteJobStore}) lets a
 * restarted coordinator recover its jobs; {@link InMemoryJobStore} forgets them.
 *
 * <p>Implementations are thread-safe. A durable implementation has made a write durable when the
 * method returns. Storage failures are reported as {@link JobStoreException}.
 */
public interface JobStore extends AutoCloseable {
  /** Inserts or replaces the job with this id. */
  void put(Job job);

  Optional<Job> get(String id);

  /** Every job, newest first (by created time, then id). */
  List<Job> list();

  /** The jobs whose state is one of {@code states}, newest first (by created time, then id). */
  default List<Job> listInState(Collection<JobState> states) {
    return list().stream().filter(j -> states.contains(j.getState())).toList();
  }

  /**
   * One page of the listing: at most {@code limit} jobs whose state is one of {@code states} (every
   * state when empty), strictly after {@code after} (from the newest when null), newest first (by
   * created time, then id). Implementations answer from an index, not by reading every job.
   */
  List<Job> page(Collection<JobState> states, JobCursor after, int limit);

  /**
   * Forgets the job and its checkpoint references (not the files). False when there was no such job.
   * Whether the job may be deleted is the caller's decision.
   */
  boolean delete(String id);

  /** Records a stored checkpoint; replaces the reference with the same job id and checkpoint id. */
  void addCheckpoint(CheckpointRef ref);

  /** The job's checkpoint references, newest first (see {@link CheckpointRefs#NEWEST_FIRST}). */
  List<CheckpointRef> checkpoints(String jobId);

  /** Forgets one checkpoint reference (not the file); false when there was none. */
  boolean removeCheckpoint(String jobId, String checkpointId);

  /**
   * {@link #page(Collection, JobCursor, int)} restricted to the jobs of one tenant ({@code Job.tenant});
   * {@code tenant} null means every tenant's.
   */
  List<Job> page(Collection<JobState> states, String tenant, JobCursor after, int limit);

  /** Appends a record to the audit trail (durable, like a job, when the store is). */
  void audit(AuditRecord record);

  /** The audit trail of one job, oldest first; records stay after the job is deleted. */
  List<AuditRecord> auditTrail(String jobId);

  /**
   * One page of the audit trail: at most {@code limit} records matching {@code query} whose seq is below
   * {@code beforeSeq} ({@link Long#MAX_VALUE} for the first page), newest (highest seq) first.
   * Implementations answer from an index, not by reading every record.
   */
  List<AuditEntry> auditPage(AuditQuery query, long beforeSeq, int limit);

  /** Deletes the audit records older than {@code timeMs} (Unix epoch ms); returns how many. */
  int deleteAuditBefore(long timeMs);

  /** Whether what is stored survives the coordinator (a restarted coordinator resumes its jobs). */
  default boolean durable() {
    return false;
  }

  @Override
  default void close() {}
}
