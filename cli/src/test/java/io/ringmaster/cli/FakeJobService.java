package io.ringmaster.cli;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.DeleteJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.ListJobsResponse;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A scripted coordinator: stores submitted jobs, answers Get/List/Cancel from its map, and streams the
 * events {@link #script} makes for the watched job. Set {@link #submitError} to make submissions fail.
 */
final class FakeJobService extends JobServiceGrpc.JobServiceImplBase {
  final Map<String, Job> jobs = new ConcurrentHashMap<>();
  final List<JobSpec> submitted = new CopyOnWriteArrayList<>();
  final List<String> cancelled = new CopyOnWriteArrayList<>();
  volatile Status submitError;
  /** The first WatchJob sends this many events, then fails with UNAVAILABLE (-1: never). */
  volatile int breakFirstWatchAfter = -1;
  /** from_sequence of every WatchJob call. */
  final List<Long> watchFrom = new CopyOnWriteArrayList<>();
  /** ListJobs page size (0: everything in one page); page tokens are offsets. */
  volatile int pageSize;
  final java.util.concurrent.atomic.AtomicInteger listCalls = new java.util.concurrent.atomic.AtomicInteger();
  volatile String nextId = "job-1";
  /** Keep watch streams open after the script (until the job is cancelled). */
  volatile boolean holdWatch;
  /** Counted down when a held watch stream has sent its script. */
  final CountDownLatch watching = new CountDownLatch(1);
  private final Map<String, StreamObserver<JobEvent>> held = new ConcurrentHashMap<>();
  /** The events WatchJob sends for a known job. */
  volatile Function<Job, List<JobEvent>> script = job -> List.of(TestJobs.event(JobEvent.Kind.SNAPSHOT, job));

  FakeJobService add(Job job) {
    jobs.put(job.getId(), job);
    return this;
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
    if (submitError != null) {
      response.onError(submitError.asRuntimeException());
      return;
    }
    submitted.add(request.getSpec());
    Job job = Job.newBuilder().setId(nextId).setSpec(request.getSpec()).setState(JobState.JOB_STATE_QUEUED)
        .setCreatedAtMs(TestJobs.T0).build();
    jobs.put(job.getId(), job);
    response.onNext(job);
    response.onCompleted();
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> response) {
    Job job = jobs.get(request.getJobId());
    if (job == null) {
      response.onError(notFound(request.getJobId()));
      return;
    }
    response.onNext(job);
    response.onCompleted();
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    List<Job> all = new ArrayList<>(jobs.values());
    all.removeIf(j -> !request.getStatesList().isEmpty() && !request.getStatesList().contains(j.getState()));
    all.sort((a, b) -> Long.compare(b.getCreatedAtMs(), a.getCreatedAtMs()));
    listCalls.incrementAndGet();
    int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
    int to = pageSize == 0 ? all.size() : Math.min(all.size(), from + pageSize);
    ListJobsResponse.Builder page = ListJobsResponse.newBuilder().addAllJobs(all.subList(from, to));
    if (to < all.size()) {
      page.setNextPageToken(Integer.toString(to));
    }
    response.onNext(page.build());
    response.onCompleted();
  }

  @Override
  public void deleteJob(DeleteJobRequest request, StreamObserver<Job> response) {
    Job job = jobs.get(request.getJobId());
    if (job == null) {
      response.onError(notFound(request.getJobId()));
      return;
    }
    JobState s = job.getState();
    if (s != JobState.JOB_STATE_SUCCEEDED && s != JobState.JOB_STATE_FAILED && s != JobState.JOB_STATE_CANCELLED) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("job " + job.getId() + " is " + s
          + ": only finished jobs can be deleted; cancel it first").asRuntimeException());
      return;
    }
    jobs.remove(job.getId());
    response.onNext(job);
    response.onCompleted();
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
    Job job = jobs.get(request.getJobId());
    if (job == null) {
      response.onError(notFound(request.getJobId()));
      return;
    }
    cancelled.add(job.getId());
    JobState s = job.getState();
    if (s != JobState.JOB_STATE_SUCCEEDED && s != JobState.JOB_STATE_FAILED && s != JobState.JOB_STATE_CANCELLED) {
      job = job.toBuilder().setState(JobState.JOB_STATE_CANCELLED).setMessage("cancelled by user").build();
      jobs.put(job.getId(), job);
      StreamObserver<JobEvent> watcher = held.remove(job.getId());
      if (watcher != null) {
        watcher.onNext(TestJobs.event(JobEvent.Kind.STATE_CHANGED, job));
        watcher.onCompleted();
      }
    }
    response.onNext(job);
    response.onCompleted();
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    Job job = jobs.get(request.getJobId());
    if (job == null) {
      response.onError(notFound(request.getJobId()));
      return;
    }
    watchFrom.add(request.getFromSequence());
    List<JobEvent> events = numbered(script.apply(job));
    long from = request.getFromSequence();
    if (from > 0) {
      events = events.stream().filter(e -> e.getKind() != JobEvent.Kind.SNAPSHOT
          && e.getKind() != JobEvent.Kind.PROGRESS && e.getSequence() >= from).toList();
    }
    if (breakFirstWatchAfter >= 0 && watchFrom.size() == 1) {
      events.subList(0, breakFirstWatchAfter).forEach(response::onNext);
      response.onError(Status.UNAVAILABLE.withDescription("coordinator shutting down").asRuntimeException());
      return;
    }
    for (JobEvent e : events) {
      response.onNext(e);
    }
    if (holdWatch) {
      held.put(job.getId(), response);
      watching.countDown();
    } else {
      response.onCompleted();
    }
  }

  /** Sequence numbers as a coordinator gives them: 1, 2, ... except PROGRESS and SNAPSHOT (the last one). */
  private static List<JobEvent> numbered(List<JobEvent> events) {
    List<JobEvent> out = new ArrayList<>();
    long last = 0;
    for (JobEvent e : events) {
      if (e.getKind() != JobEvent.Kind.PROGRESS && e.getKind() != JobEvent.Kind.SNAPSHOT) {
        last++;
      }
      out.add(e.toBuilder().setSequence(last).build());
    }
    return out;
  }

  private static RuntimeException notFound(String id) {
    return Status.NOT_FOUND.withDescription("job " + id + " does not exist").asRuntimeException();
  }
}
