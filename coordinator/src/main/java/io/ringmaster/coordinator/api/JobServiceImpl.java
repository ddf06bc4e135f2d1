package io.ringmaster.coordinator.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.jobs.JobManager;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public {@code JobService}: maps RPCs onto the {@link JobManager} and errors onto status codes
 * chosen by what the caller should do (INVALID_ARGUMENT: fix the spec; NOT_FOUND: wrong id;
 * RESOURCE_EXHAUSTED: retry later).
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

  public JobServiceImpl(JobManager jobs) {
    this.jobs = jobs;
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> out) {
    if (!request.hasSpec()) {
      out.onError(invalid(new InvalidSpecException("spec", "missing: the request has no job spec")));
      return;
    }
    try {
      Job job = jobs.submit(request.getSpec());
      out.onNext(job);
      out.onCompleted();
    } catch (InvalidSpecException e) {
      out.onError(invalid(e));
    } catch (JobManager.QueueFullException e) {
      out.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.error("SubmitJob failed", e);
      out.onError(Status.INTERNAL.withDescription("coordinator error: " + e).asRuntimeException());
    }
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    jobs.get(request.getJobId()).ifPresentOrElse(j -> {
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
    } catch (PageToken.InvalidTokenException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    int size = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
    // one more than asked for tells whether there is a next page
    List<Job> found = jobs.page(states, after, size + 1);
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
    try {
      jobs.delete(request.getJobId()).ifPresentOrElse(j -> {
        out.onNext(j);
        out.onCompleted();
      }, () -> out.onError(notFound(request.getJobId())));
    } catch (JobManager.JobActiveException e) {
      out.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      log.error("DeleteJob {} failed", request.getJobId(), e);
      out.onError(Status.INTERNAL.withDescription("coordinator error: " + e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> out) {
    if (badId(request.getJobId(), out)) {
      return;
    }
    jobs.cancel(request.getJobId()).ifPresentOrElse(f -> f.whenComplete((job, err) -> {
      if (err != null) {
        out.onError(Status.INTERNAL.withDescription("cancel failed: " + err).asRuntimeException());
      } else {
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
    if (!jobs.watch(request.getJobId(), request.getFromSequence(), out)) {
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

  private static StatusRuntimeException notFound(String id) {
    return Status.NOT_FOUND.withDescription("no job '" + id + "' on this coordinator (ListJobs shows them all)")
        .asRuntimeException();
  }

  /**
   * INVALID_ARGUMENT whose description lists every violation, one per line, and whose details carry a
   * {@code google.rpc.BadRequest} with one field violation each, for clients in any language.
   */
  static StatusRuntimeException invalid(InvalidSpecException e) {
    BadRequest.Builder br = BadRequest.newBuilder();
    for (Violation v : e.violations()) {
      br.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.message()));
    }
    String description = "invalid job spec:\n" + e.violations().stream().map(Violation::toString)
        .collect(Collectors.joining("\n"));
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(description)
        .addDetails(Any.pack(br.build()))
        .build());
  }
}
