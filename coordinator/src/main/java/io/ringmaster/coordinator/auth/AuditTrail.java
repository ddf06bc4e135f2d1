package io.ringmaster.coordinator.auth;

import io.ringmaster.coordinator.store.AuditEntry;
import io.ringmaster.coordinator.store.AuditQuery;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.coordinator.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who submitted, cancelled or deleted which job, and which calls were refused, when and from
 * where: in the job store (kept after the job is deleted, until {@link #deleteOlderThan}) and in the log,
 * under the logger {@value #LOGGER} so that operators can route it to its own file. A record names the
 * caller by its token's name, or an unknown token by its {@linkplain TokenFingerprint fingerprint}, never
 * by the token.
 *
 * <p>What is done is always recorded. Refusals (UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND for another
 * tenant's job) are recorded one by one up to a rate ({@link RefusalRateLimit}); beyond it they are
 * counted, and the next one recorded says how many were not: a flood of bad calls cannot fill the disk or
 * the log.
 */
public final class AuditTrail {
  /** The audit log's logger name. */
  public static final String LOGGER = "ringmaster.audit";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final JobStore store;
  private final LongSupplier wallClock;
  private final RefusalRateLimit refusals;
  /** Whether the notice that refusals are only counted was given for the flood going on. */
  private volatile boolean flooding;

  /**
   * @param store where records are kept; null: in the log only
   * @param wallClock Unix epoch milliseconds
   */
  public AuditTrail(JobStore store, LongSupplier wallClock) {
    this.store = store;
    this.wallClock = wallClock;
    this.refusals = new RefusalRateLimit(wallClock);
  }

  /** A trail that writes the log only (an interceptor used without a job store, in tests). */
  public static AuditTrail logOnly(LongSupplier wallClock) {
    return new AuditTrail(null, wallClock);
  }

  /** Records that {@code caller} did {@code action} to {@code jobId}; {@code detail} may be empty. */
  public AuditRecord record(AuditRecord.Action action, String jobId, Caller caller, String detail) {
    AuditRecord r = new AuditRecord(wallClock.getAsLong(), action, jobId, caller.tenant(), caller.principal(),
        caller.peer(), detail);
    log.info("{}", r);
    store(r);
    return r;
  }

  /**
   * Records a refused call, unless refusals come faster than {@link RefusalRateLimit} allows (then it is
   * counted, and the next refusal recorded carries the count).
   *
   * @param principal the token's name, a fingerprint of an unknown token, or empty without a token
   * @param tenant the token's tenant, or empty when unknown
   * @param method the RPC, e.g. {@code JobService.CancelJob}
   * @param jobId the job asked for, or empty when the request was not read
   * @return whether it was recorded one by one
   */
  public boolean refused(String principal, String tenant, String peer, String method, String jobId,
      AuditRecord.Reason reason) {
    RefusalRateLimit.Decision d = refusals.next();
    if (!d.record()) {
      if (d.suppressedBefore() == 1 && !flooding) {
        flooding = true; // said once per flood, not once per record that the rate lets through
        log.warn("refusals come faster than {} a minute: further ones are counted, not recorded one by one,"
            + " until the rate drops", RefusalRateLimit.PER_MINUTE);
      }
      return false;
    }
    if (d.suppressedBefore() == 0) {
      flooding = false; // nothing was only counted since the previous record: the flood, if any, is over
    }
    String detail = d.suppressedBefore() == 0 ? "" : "(and " + d.suppressedBefore() + " refusal(s) not recorded"
        + " one by one since " + Instant.ofEpochMilli(d.suppressedSinceMs()) + ")";
    AuditRecord r = new AuditRecord(wallClock.getAsLong(), AuditRecord.Action.REFUSE, jobId, tenant, principal,
        peer, detail, method, reason);
    log.warn("{}", r);
    store(r);
    return true;
  }

  private void store(AuditRecord r) {
    if (store == null) {
      return;
    }
    try {
      store.audit(r);
    } catch (RuntimeException e) {
      // the action happened: losing its stored record must not turn it into an error for the caller
      log.error("audit record not stored ({}); it is in this log only", r, e);
    }
  }

  /** The job's audit records, oldest first. */
  public List<AuditRecord> of(String jobId) {
    return store == null ? List.of() : store.auditTrail(jobId);
  }

  /** One page of records matching {@code query}, newest first, below {@code beforeSeq}. */
  public List<AuditEntry> page(AuditQuery query, long beforeSeq, int limit) {
    return store == null ? List.of() : store.auditPage(query, beforeSeq, limit);
  }

  /**
   * Retention: deletes the records older than {@code keep} (by this trail's clock); zero keeps them.
   *
   * @return how many were deleted
   */
  public int deleteOlderThan(Duration keep) {
    if (store == null || keep.isZero() || keep.isNegative()) {
      return 0;
    }
    int n = store.deleteAuditBefore(wallClock.getAsLong() - keep.toMillis());
    if (n > 0) {
      log.info("retention: deleted {} audit record(s) older than {} days", n, keep.toDays());
    }
    return n;
  }
}
