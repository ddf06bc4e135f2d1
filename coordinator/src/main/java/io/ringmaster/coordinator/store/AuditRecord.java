package io.ringmaster.coordinator.store;

import java.util.Objects;

/**
 * One entry of the audit trail: who did what (or was refused what), when and from where. Kept in the job
 * store (it outlives the job it names: deleting a job leaves its records) and written to the log. Holds
 * names, never secrets: the principal is a token's name, or for a token the coordinator does not know the
 * {@linkplain Reason#UNKNOWN_TOKEN fingerprint} of its hash, never the token.
 *
 * @param timeMs Unix epoch milliseconds
 * @param action what was done, or {@link Action#REFUSE}
 * @param jobId the job it was done to; empty for a refusal decided before the request was read
 * @param tenant the caller's tenant (empty without client authentication, or when the caller is unknown)
 * @param principal the caller's token name ({@code anonymous} without client authentication), a token
 *     fingerprint ({@code sha256:1a2b3c4d5e6f}) for an unknown token, or empty when no token was given
 * @param peer the caller's address ({@code host:port})
 * @param detail anything else worth keeping (the job's state, refusals not recorded one by one); may be empty
 * @param method the RPC ({@code JobService.CancelJob}); empty in records written before it was kept
 * @param reason why a call was refused; {@link Reason#NONE} for what was done
 */
public record AuditRecord(long timeMs, Action action, String jobId, String tenant, String principal, String peer,
    String detail, String method, Reason reason) {
  /** What a caller did, or that it was refused. */
  public enum Action {
    SUBMIT,
    CANCEL,
    DELETE,
    /** A call refused: UNAUTHENTICATED, PERMISSION_DENIED, or NOT_FOUND for another tenant's job. */
    REFUSE
  }

  /** Why a call was refused, and the status it got. */
  public enum Reason {
    /** Not a refusal. */
    NONE("OK"),
    /** No {@code authorization} header. */
    NO_TOKEN("UNAUTHENTICATED"),
    /** An {@code authorization} header that is not {@code Bearer TOKEN}. */
    NOT_BEARER("UNAUTHENTICATED"),
    /** A bearer token the coordinator does not know (wrong, revoked, misspelt). */
    UNKNOWN_TOKEN("UNAUTHENTICATED"),
    /** A known token whose role is too weak for the method. */
    ROLE_TOO_WEAK("PERMISSION_DENIED"),
    /** A method of a client service that the coordinator's method table does not list. */
    UNLISTED_METHOD("PERMISSION_DENIED"),
    /** Another tenant's job, answered as an unknown id. */
    OTHER_TENANT("NOT_FOUND"),
    /** A worker-plane method ({@code DownloadFile}, {@code UploadModel}) the worker guard did not authenticate. */
    WORKER_NOT_AUTHENTICATED("UNAUTHENTICATED");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The gRPC status code name the caller got. */
    public String code() {
      return code;
    }
  }

  public AuditRecord {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(reason, "reason");
    if ((action == Action.REFUSE) != (reason != Reason.NONE)) {
      throw new IllegalArgumentException("a refusal has a reason, and only a refusal: " + action + "/" + reason);
    }
  }

  /** A record of something done (submit, cancel, delete), without the method. */
  public AuditRecord(long timeMs, Action action, String jobId, String tenant, String principal, String peer,
      String detail) {
    this(timeMs, action, jobId, tenant, principal, peer, detail, "", Reason.NONE);
  }

  @Override
  public String toString() {
    String who = (principal.isEmpty() ? "unknown caller" : principal) + " (tenant " + (tenant.isEmpty() ? "-" : tenant)
        + ") from " + peer;
    if (action == Action.REFUSE) {
      return "refused " + method + (jobId.isEmpty() ? "" : " of job " + jobId) + " to " + who + ": " + reason.code()
          + " " + reason.name().toLowerCase(java.util.Locale.ROOT) + (detail.isEmpty() ? "" : " " + detail);
    }
    return action.name().toLowerCase(java.util.Locale.ROOT) + " job " + jobId + " by " + who
        + (detail.isEmpty() ? "" : ": " + detail);
  }
}
