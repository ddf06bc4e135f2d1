package io.ringmaster.coordinator.auth;

import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.coordinator.store.JobStore;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who submitted, cancelled or deleted which job, when and from where: in the job store (kept
 * after the job is deleted) and in the log, under the logger {@value #LOGGER} so that operators can route
 * it to its own file. A record names the caller by its token's name, never by the token.
 */
public final class AuditTrail {
  /** The audit log's logger name. */
  public static final String LOGGER = "ringmaster.audit";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final JobStore store;
  private final LongSupplier wallClock;

  public AuditTrail(JobStore store, LongSupplier wallClock) {
    this.store = store;
    this.wallClock = wallClock;
  }

  /** Records that {@code caller} did {@code action} to {@code jobId}; {@code detail} may be empty. */
  public AuditRecord record(AuditRecord.Action action, String jobId, Caller caller, String detail) {
    AuditRecord r = new AuditRecord(wallClock.getAsLong(), action, jobId, caller.tenant(), caller.principal(),
        caller.peer(), detail);
    log.info("{}", r);
    try {
      store.audit(r);
    } catch (RuntimeException e) {
      // the action happened: losing its stored record must not turn it into an error for the caller
      log.error("audit record not stored ({}); it is in this log only", r, e);
    }
    return r;
  }

  /** The job's audit records, oldest first. */
  public List<AuditRecord> of(String jobId) {
    return store.auditTrail(jobId);
  }
}
