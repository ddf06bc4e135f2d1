package io.ringmaster.coordinator.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.auth.AuditTrail;
import io.ringmaster.coordinator.auth.Caller;
import io.ringmaster.coordinator.auth.Role;
import io.ringmaster.coordinator.store.AuditEntry;
import io.ringmaster.coordinator.store.AuditQuery;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.job.spec.Echo;
import io.ringmaster.proto.v1.AuditAction;
import io.ringmaster.proto.v1.AuditEvent;
import io.ringmaster.proto.v1.AuditServiceGrpc;
import io.ringmaster.proto.v1.ListAuditEventsRequest;
import io.ringmaster.proto.v1.ListAuditEventsResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The public {@code AuditService}: reads the {@link AuditTrail} a page at a time, newest first.
 *
 * <p><b>Who reads what.</b> The method needs role {@code read}. An admin (and every caller of a coordinator
 * without client authentication) reads every record and may filter by any tenant. Any other caller reads
 * its own tenant's submissions, cancellations and deletions only: asking for another tenant, or for
 * refusals, is PERMISSION_DENIED (refusals are kept for admins because a refusal of another tenant's job,
 * filed under the caller who tried, tells that the job exists; tenants do not read each other's records
 * anyway).
 */
public final class AuditServiceImpl extends AuditServiceGrpc.AuditServiceImplBase {
  /** Page size when the request gives none. */
  public static final int DEFAULT_PAGE_SIZE = 100;
  /** Largest page size; larger requests are lowered to it (AIP-158). */
  public static final int MAX_PAGE_SIZE = 1000;
  /** What a caller that is not an admin may read. */
  private static final Set<AuditRecord.Action> TENANT_ACTIONS = EnumSet.of(AuditRecord.Action.SUBMIT,
      AuditRecord.Action.CANCEL, AuditRecord.Action.DELETE);

  private final AuditTrail audit;

  public AuditServiceImpl(AuditTrail audit) {
    this.audit = audit;
  }

  @Override
  public void listAuditEvents(ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> out) {
    if (request.getPageSize() < 0) {
      out.onError(invalid("page_size must be >= 0 (0 means the default, " + DEFAULT_PAGE_SIZE + "), got "
          + request.getPageSize()));
      return;
    }
    if (request.getSinceMs() < 0) {
      out.onError(invalid("since_ms must be >= 0 (Unix epoch milliseconds; 0 for all), got " + request.getSinceMs()));
      return;
    }
    Set<AuditRecord.Action> actions = EnumSet.noneOf(AuditRecord.Action.class);
    for (int i = 0; i < request.getActionsCount(); i++) {
      AuditRecord.Action a = action(request.getActions(i));
      if (a == null) {
        out.onError(invalid("actions[" + i + "]: not an audit action (value " + request.getActionsValue(i)
            + "); use AUDIT_ACTION_SUBMIT, _CANCEL, _DELETE or _REFUSE"));
        return;
      }
      actions.add(a);
    }
    if (request.getJobId().length() > JobServiceImpl.MAX_JOB_ID_CHARS) {
      out.onError(invalid("job_id: too long (" + request.getJobId().length() + " characters, at most "
          + JobServiceImpl.MAX_JOB_ID_CHARS + ")"));
      return;
    }
    Caller caller = Caller.current();
    String tenant = request.getTenant().isEmpty() ? null : request.getTenant();
    if (caller.role() != Role.ADMIN) {
      if (tenant != null && !tenant.equals(caller.tenant())) {
        out.onError(Status.PERMISSION_DENIED.withDescription("token '" + caller.principal() + "' may read the"
            + " audit records of its own tenant only, not of '" + Echo.of(tenant) + "'; admins read every tenant's")
            .asRuntimeException());
        return;
      }
      if (actions.contains(AuditRecord.Action.REFUSE)) {
        out.onError(Status.PERMISSION_DENIED.withDescription("refused calls are shown to admins only; token '"
            + caller.principal() + "' may read its tenant's submissions, cancellations and deletions")
            .asRuntimeException());
        return;
      }
      tenant = caller.tenant();
      actions = actions.isEmpty() ? TENANT_ACTIONS : actions;
    }
    AuditQuery query = new AuditQuery(tenant, request.getSinceMs(), actions,
        request.getJobId().isEmpty() ? null : request.getJobId());
    long before;
    try {
      before = AuditPageToken.decode(request.getPageToken(), query);
    } catch (PageTokenEnvelope.InvalidTokenException e) {
      out.onError(invalid(e.getMessage()));
      return;
    }
    int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
    List<AuditEntry> found = audit.page(query, before, size + 1); // one more tells whether a next page exists
    ListAuditEventsResponse.Builder response = ListAuditEventsResponse.newBuilder();
    found.subList(0, Math.min(size, found.size())).forEach(e -> response.addEvents(event(e)));
    if (found.size() > size) {
      response.setNextPageToken(AuditPageToken.encode(found.get(size - 1).seq(), query));
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  private static io.grpc.StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static AuditRecord.Action action(AuditAction a) {
    return switch (a) {
      case AUDIT_ACTION_SUBMIT -> AuditRecord.Action.SUBMIT;
      case AUDIT_ACTION_CANCEL -> AuditRecord.Action.CANCEL;
      case AUDIT_ACTION_DELETE -> AuditRecord.Action.DELETE;
      case AUDIT_ACTION_REFUSE -> AuditRecord.Action.REFUSE;
      case AUDIT_ACTION_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  /** The record as the API shows it. */
  static AuditEvent event(AuditEntry e) {
    AuditRecord r = e.record();
    return AuditEvent.newBuilder().setSequence(e.seq()).setTimeMs(r.timeMs())
        .setAction(switch (r.action()) {
          case SUBMIT -> AuditAction.AUDIT_ACTION_SUBMIT;
          case CANCEL -> AuditAction.AUDIT_ACTION_CANCEL;
          case DELETE -> AuditAction.AUDIT_ACTION_DELETE;
          case REFUSE -> AuditAction.AUDIT_ACTION_REFUSE;
        })
        .setJobId(r.jobId()).setTenant(r.tenant()).setPrincipal(r.principal()).setPeer(r.peer())
        .setMethod(r.method()).setCode(r.reason().code())
        .setReason(r.reason() == AuditRecord.Reason.NONE ? "" : r.reason().name())
        .setDetail(r.detail()).build();
  }
}
