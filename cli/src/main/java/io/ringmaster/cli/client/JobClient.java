package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DeleteJobRequest;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsResponse;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls a coordinator's {@code JobService} over one channel, which it owns and shuts down on {@link
 * #close()}. Every failure is a {@link CoordinatorCallException} naming the coordinator (and the job).
 */
public final class JobClient implements AutoCloseable {
  /** Unary calls other than submit. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** Submitting validates the job, which reads the headers of its data files. */
  public static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(120);

  /** How long {@link #watch} waits for a coordinator that went away to answer again. */
  public static final Duration RECONNECT_TIMEOUT = Duration.ofMinutes(5);
  /** Reconnections in a row that bring no event before {@link #watch} gives up. */
  static final int MAX_RECONNECTS_WITHOUT_EVENTS = 10;

  private final ManagedChannel channel;
  private final CoordinatorAddress address;
  private final JobServiceGrpc.JobServiceBlockingStub stub;

  public JobClient(ManagedChannel channel, CoordinatorAddress address) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.address = Objects.requireNonNull(address, "address");
    this.stub = JobServiceGrpc.newBlockingStub(channel);
  }

  /** The channel to the coordinator (for its other services, e.g. {@code DatasetService}). */
  public ManagedChannel channel() {
    return channel;
  }

  public CoordinatorAddress address() {
    return address;
  }

  /** Submits a job; returns it as stored (with its id). */
  public Job submit(JobSpec spec) {
    try {
      return timed(SUBMIT_TIMEOUT).submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }

  public Job get(String jobId) {
    try {
      return timed(CALL_TIMEOUT).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, jobId);
    }
  }

  /** Every job the coordinator knows, newest first. */
  public List<Job> list() {
    return list(List.of());
  }

  /**
   * Every job in one of {@code states} (all when empty), newest first: follows ListJobs' pages (the
   * server's default page size) until the last one. Jobs submitted meanwhile are not included; none is
   * listed twice.
   */
  public List<Job> list(List<JobState> states) {
    List<Job> jobs = new ArrayList<>();
    ListJobsRequest.Builder request = ListJobsRequest.newBuilder().addAllStates(states);
    try {
      do {
        ListJobsResponse page = timed(CALL_TIMEOUT).listJobs(request.build());
        jobs.addAll(page.getJobsList());
        request.setPageToken(page.getNextPageToken());
      } while (!request.getPageToken().isEmpty());
      return jobs;
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }

  /** Deletes a finished job with its checkpoints and files; returns it as it was. */
  public Job delete(String jobId) {
    try {
      return timed(CALL_TIMEOUT).deleteJob(DeleteJobRequest.newBuilder().setJobId(jobId).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, jobId);
    }
  }

  public Job cancel(String jobId) {
    return cancel(jobId, CALL_TIMEOUT);
  }

  /** Cancels a job (idempotent: a finished job is returned as is). */
  public Job cancel(String jobId, Duration timeout) {
    try {
      return timed(timeout).cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, jobId);
    }
  }

  /**
   * Follows a job: passes every event to {@code onEvent} on the calling thread and returns when the
   * coordinator ends the stream (after the job's terminal event). When the stream breaks with UNAVAILABLE
   * (the coordinator shut down or the connection dropped) after it delivered events, it reconnects by
   * itself: it waits up to {@link #RECONNECT_TIMEOUT} for the coordinator to answer again, then resumes
   * with {@code from_sequence} = the last sequence received + 1, so no numbered event is missed or
   * repeated (the coordinator sends a SNAPSHOT instead when it no longer holds them). {@code onReconnect}
   * is told each time, with the reason.
   */
  public void watch(String jobId, Consumer<JobEvent> onEvent) {
    watch(jobId, onEvent, reason -> { });
  }

  /** See {@link #watch(String, Consumer)}. */
  public void watch(String jobId, Consumer<JobEvent> onEvent, Consumer<String> onReconnect) {
    long next = 0;
    int withoutEvents = 0;
    while (true) {
      try {
        Iterator<JobEvent> events = stub.watchJob(WatchJobRequest.newBuilder().setJobId(jobId)
            .setFromSequence(next).build());
        while (events.hasNext()) {
          JobEvent e = events.next();
          next = e.getSequence() + 1;
          withoutEvents = 0;
          onEvent.accept(e);
        }
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || next == 0
            || ++withoutEvents > MAX_RECONNECTS_WITHOUT_EVENTS) {
          throw GrpcErrors.translate(e, address, jobId);
        }
        String why = e.getStatus().getDescription() == null ? "connection lost" : e.getStatus().getDescription();
        onReconnect.accept(why);
        awaitCoordinator(jobId);
      }
    }
  }

  /** Waits (bounded) until the coordinator answers GetJob for the job again; gRPC's channel retries meanwhile. */
  private void awaitCoordinator(String jobId) {
    try {
      stub.withWaitForReady().withDeadlineAfter(RECONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, jobId);
    }
  }

  private JobServiceGrpc.JobServiceBlockingStub timed(Duration timeout) {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Shuts the channel down, cancelling calls in flight. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
