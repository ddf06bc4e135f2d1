package io.ringmaster.coordinator.store;

import java.util.Objects;
import java.util.Set;

/**
 * Which audit records a listing wants; every filter that is set must match.
 *
 * @param tenant only this tenant's records; null for every tenant's (an empty string means "no tenant")
 * @param sinceMs only records at or after this Unix epoch millisecond; 0 for all
 * @param actions only these actions; empty for all
 * @param jobId only records of this job; null for all
 */
public record AuditQuery(String tenant, long sinceMs, Set<AuditRecord.Action> actions, String jobId) {
  /** Every record. */
  public static final AuditQuery ALL = new AuditQuery(null, 0, Set.of(), null);

  public AuditQuery {
    actions = Set.copyOf(Objects.requireNonNull(actions, "actions"));
  }

  /** Whether {@code r} passes every filter. */
  public boolean matches(AuditRecord r) {
    return (tenant == null || tenant.equals(r.tenant())) && r.timeMs() >= sinceMs
        && (actions.isEmpty() || actions.contains(r.action())) && (jobId == null || jobId.equals(r.jobId()));
  }
}
