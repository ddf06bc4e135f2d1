package io.ringmaster.coordinator.store;

import java.util.Objects;

/**
 * One entry of the audit trail: who did what to which job, when and from where. Kept in the job store
 * (it outlives the job it names: deleting a job leaves its records) and written to the log. Holds names,
 * never secrets: the principal is a token's name, not the token.
 *
 * @param timeMs Unix epoch milliseconds
 * @param action what was done
 * @param jobId the job it was done to
 * @param tenant the caller's tenant (empty without client authentication)
 * @param principal the caller's token name ({@code anonymous} without client authentication)
 * @param peer the caller's address ({@code host:port})
 * @param detail anything else worth keeping (the job's state, the reason); may be empty
 */
public record AuditRecord(long timeMs, Action action, String jobId, String tenant, String principal, String peer,
    String detail) {
  /** What a caller did. */
  public enum Action {
    SUBMIT,
    CANCEL,
    DELETE
  }

  public AuditRecord {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return action.name().toLowerCase(java.util.Locale.ROOT) + " job " + jobId + " by " + principal + " (tenant "
        + (tenant.isEmpty() ? "-" : tenant) + ") from " + peer + (detail.isEmpty() ? "" : ": " + detail);
  }
}
