package io.ringmaster.coordinator.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.auth.AuditTrail;
import io.ringmaster.coordinator.auth.Caller;
import io.ringmaster.coordinator.auth.TenantQuota;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.job.spec.Echo;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.Violation;
import io.ringmaster.coordinator.store.JobCursor;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DeleteJobRequest;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.ListJobsResponse;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public {@code JobService}: maps RPCs onto the {@link JobManager} and errors onto status codes
 * chosen by what the caller should do (INVALID_ARGUMENT: fix the spec; NOT_FOUND: wrong id;
 * RESOURCE_EXHAUSTED: retry later, or a tenant's quota).
 *
 * <p><b>Tenants.</b> Every call runs as the {@link Caller} the authentication interceptor attached. A job
 * belongs to the tenant that submitted it ({@code Job.tenant}); a caller sees, lists, watches, cancels and
 * deletes only its own tenant's jobs, and an admin every job. Another tenant's job id is answered exactly
 * as an unknown id is (NOT_FOUND, same text), so that ids cannot be probed. Submissions, cancellations and
 * deletions are recorded in the {@link AuditTrail}.
 */
public final class JobServiceImpl extends JobServiceGrpc.JobServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(JobServiceImpl.class);
  /** ListJobs page size when the request gives none. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** Largest ListJobs page size; larger requests are lowered to it (AIP-158). */
  public static final int MAX_PAGE_SIZE = 500;
  /** A ListJobs page stops before its jobs exceed this many bytes, well under gRPC's 4 MiB default. */
  public static final long MAX_PAGE_BYTES = 2L << 20;
  /** Longest job id accepted in a request (ids the coordinator issues are at most 47 characters). */
  public static final int MAX_JOB_ID_CHARS = 128;

  private final JobManager jobs;
  private final AuditTrail audit;
  private final Function<String, TenantQuota> quotas;

  /** Without quotas; the audit trail goes to the job layer's store. */
  public JobServiceImpl(JobManager jobs) {
    this(jobs, new AuditTrail(jobs.store(), jobs.wallClock()), tenant -> TenantQuota.UNLIMITED);
  }

  /**
   * @param audit where submissions, cancellations and deletions are recorded
   * @param quotas each tenant's quota
   */
  public JobServiceImpl(JobManager jobs, AuditTrail audit, Function<String, TenantQuota> quotas) {
    this.jobs = jobs;
    this.audit = audit;
    this.quotas = quotas;
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> out) {
    if (!request.hasSpec()) {
      out.onError(invalid(new InvalidSpecException("spec", "missing: the request has no job spec")));
      return;
    }
    Caller caller = Caller.current();
    try {
      Job job = jobs.submit(request.getSpec(), caller.tenant(), quotas.apply(caller.tenant()),
          io.ringmaster.coordinator.datasets.DatasetScope.of(caller));
      audit.record(AuditRecord.Action.SUBMIT, job.getId(), caller, Echo.of(job.getSpec().getName(), 60));
      out.onNext(job);
      out.onCompleted();
    } catch (InvalidSpecException e) {
      out.onError(invalid(e));
    } catch (JobManager.QueueFullException | JobManager.QuotaExceededException e) {
      out.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.error("SubmitJob failed", e);
      out.onError(Status.INTERNAL.withDescription("coordinator error (see its log): " + e.getClass().getSimpleName())
          .asRuntimeException());
    }
  }

  /**
   * The job if the caller may see it; empty for an unknown id and for another tenant's job alike. Asking
   * for another tenant's job is recorded in the audit trail (an id that exists nowhere is not: typos).
   *
   * @param method the RPC, for the audit record ({@code GetJob})
   */
  private Optional<Job> visible(String id, Caller caller, String method) {
    Optional<Job> job = jobs.get(id);
    if (job.isPresent() && !caller.sees(job.get().getTenant())) {
      audit.refused(caller.principal(), caller.tenant(), caller.peer(), "JobService." + method, id,
          AuditRecord.Reason.OTHER_TENANT);
      return Optional.empty();
    }
    return job;
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    visible(request.getJobId(), Caller.current(), "GetJob").ifPresentOrElse(j -> {
      out.onNext(j);
      out.onCompleted();
    }, () -> out.onError(notFound(request.getJobId())));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
    if (request.getPageSize() < 0) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("page_size must be >= 0 (0 means the default, "
          + DEFAULT_PAGE_SIZE + "), got " + request.getPageSize()).asRuntimeException());
      return;
    }
    List<JobState> states = request.getStatesList();
    for (int i = 0; i < states.size(); i++) {
      if (states.get(i) == JobState.UNRECOGNIZED || states.get(i) == JobState.JOB_STATE_UNSPECIFIED) {
        out.onError(Status.INVALID_ARGUMENT.withDescription("states[" + i + "]: not a job state (value "
            + request.getStatesValue(i) + "); use QUEUED, STARTING, RUNNING, RECOVERING, SUCCEEDED, FAILED or "
            + "CANCELLED").asRuntimeException());
        return;
      }
    }
    JobCursor after;
    try {
      after = PageToken.decode(request.getPageToken(), states);
    } catch (PageTokenEnvelope.InvalidTokenException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
    // one more than asked for tells whether there is a next page
    Caller caller = Caller.current();
    String tenant = caller.role() == io.ringmaster.coordinator.auth.Role.ADMIN ? null : caller.tenant();
    List<Job> found = jobs.page(states, tenant, after, size + 1);
    ListJobsResponse.Builder response = ListJobsResponse.newBuilder();
    long bytes = 0;
    int taken = 0;
    for (Job j : found.subList(0, Math.min(size, found.size()))) {
      int jobBytes = j.getSerializedSize() + 8;
      if (taken > 0 && bytes + jobBytes > MAX_PAGE_BYTES) {
        break;
      }
      bytes += jobBytes;
      response.addJobs(j);
      taken++;
    }
    if (taken < found.size()) {
      response.setNextPageToken(PageToken.encode(JobCursor.of(found.get(taken - 1)), states));
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void deleteJob(DeleteJobRequest request, StreamObserver<Job> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    Caller caller = Caller.current();
    if (visible(request.getJobId(), caller, "DeleteJob").isEmpty()) {
      out.onError(notFound(request.getJobId()));
      return;
    }
    try {
      jobs.delete(request.getJobId()).ifPresentOrElse(j -> {
        audit.record(AuditRecord.Action.DELETE, j.getId(), caller, "was " + io.ringmaster.job.JobState.shortName(j.getState()));
        out.onNext(j);
        out.onCompleted();
      }, () -> out.onError(notFound(request.getJobId())));
    } catch (JobManager.JobActiveException e) {
      out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.error("DeleteJob {} failed", request.getJobId(), e);
      out.onError(Status.INTERNAL.withDescription("coordinator error: " + Echo.of(e.getMessage(), 500))
          .asRuntimeException());
    }
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    Caller caller = Caller.current();
    Optional<Job> before = visible(request.getJobId(), caller, "CancelJob");
    if (before.isEmpty()) {
      out.onError(notFound(request.getJobId()));
      return;
    }
    jobs.cancel(request.getJobId()).ifPresentOrElse(f -> f.whenComplete((job, err) -> {
      if (err != null) {
        log.error("CancelJob {} failed", request.getJobId(), err);
        out.onError(Status.INTERNAL.withDescription("cancel failed (see the coordinator's log): "
            + err.getClass().getSimpleName()).asRuntimeException());
      } else {
        audit.record(AuditRecord.Action.CANCEL, job.getId(), caller, "was "
            + io.ringmaster.job.JobState.shortName(before.get().getState()) + ", now " + io.ringmaster.job.JobState.shortName(job.getState()));
        out.onNext(job);
        out.onCompleted();
      }
    }), () -> out.onError(notFound(request.getJobId())));
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    if (request.getFromSequence() < 0) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("from_sequence must be >= 0 (0: from a snapshot; N: "
          + "resume at event N), got " + request.getFromSequence()).asRuntimeException());
      return;
    }
    if (visible(request.getJobId(), Caller.current(), "WatchJob").isEmpty()
        || !jobs.watch(request.getJobId(), request.getFromSequence(), out)) {
      out.onError(notFound(request.getJobId()));
    }
  }

  private static boolean badId(String id, StreamObserver<?> out) {
    if (id.length() > MAX_JOB_ID_CHARS) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("job_id: too long (" + id.length() + " characters, at"
          + " most " + MAX_JOB_ID_CHARS + "): give the id SubmitJob returned").asRuntimeException());
      return true;
    }
    if (id.isBlank()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("job_id is empty: give the id SubmitJob returned")
          .asRuntimeException());
      return true;
    }
    return false;
  }

  /** The one answer for an unknown id and for another tenant's job. */
  private static StatusRuntimeException notFound(String id) {
    return Status.NOT_FOUND.withDescription("no job '" + Echo.of(id) + "' on this coordinator (ListJobs shows"
        + " yours)").asRuntimeException();
  }

  /** Most field violations sent back for one request; the rest are counted. */
  static final int MAX_VIOLATIONS = 20;
  /** Longest message of one violation sent back, in characters. */
  static final int MAX_VIOLATION_CHARS = 300;

  /**
   * INVALID_ARGUMENT whose description lists every violation, one per line, with the job file's field
   * names ({@code spec.batchSize}), and whose details carry a {@code google.rpc.BadRequest} with one field
   * violation each whose field is the proto path of the request ({@code spec.batch_size}, see {@link
   * ProtoFieldPaths}), for clients in any language. Both are capped (at most {@value #MAX_VIOLATIONS}
   * violations of at most {@value #MAX_VIOLATION_CHARS} characters each) so that the reply fits the
   * HTTP/2 trailer every gRPC client accepts, whatever the request held.
   */
  static StatusRuntimeException invalid(InvalidSpecException e) {
    BadRequest.Builder br = BadRequest.newBuilder();
    List<Violation> shown = e.violations().subList(0, Math.min(MAX_VIOLATIONS, e.violations().size()));
    for (Violation v : shown) {
      br.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(ProtoFieldPaths.of(v.field()))
          .setDescription(Echo.of(v.message(), MAX_VIOLATION_CHARS)));
    }
    int hidden = e.violations().size() - shown.size();
    String description = Echo.description("invalid job spec:\n" + shown.stream()
        .map(v -> Echo.of(v.field(), 200) + ": " + Echo.of(v.message(), MAX_VIOLATION_CHARS))
        .collect(Collectors.joining("\n")) + (hidden > 0 ? "\n... and " + hidden + " more" : ""));
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(description)
        .addDetails(Any.pack(br.build()))
        .build());
  }
}
