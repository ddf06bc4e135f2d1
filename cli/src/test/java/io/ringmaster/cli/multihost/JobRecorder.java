package io.ringmaster.cli.multihost;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.WatchJobRequest;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every event of one job, as WatchJob streams them, so that a test can look at what happened between
 * two polls (a worker admitted and lost again within a second). If the stream breaks (the coordinator's
 * host was cut off) it subscribes again every half second until the job ends or the recorder is closed;
 * events published while nobody listened are missed, but every new stream starts with a snapshot.
 */
final class JobRecorder implements AutoCloseable {
  private final JobServiceGrpc.JobServiceStub jobs;
  private final String jobId;
  private final List<JobEvent> events = new ArrayList<>();
  private final ScheduledExecutorService retry =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-recorder");
        t.setDaemon(true);
        return t;
      });
  private volatile boolean done;

  JobRecorder(ManagedChannel channel, String jobId) {
    this.jobs = JobServiceGrpc.newStub(channel);
    this.jobId = jobId;
    subscribe();
  }

  private void subscribe() {
    if (done) {
      return;
    }
    jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(), new StreamObserver<>() {
      @Override
      public void onNext(JobEvent e) {
        synchronized (events) {
          events.add(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!done) {
          retry.schedule(JobRecorder.this::subscribe, 500, TimeUnit.MILLISECONDS);
        }
      }

      @Override
      public void onCompleted() {
        done = true; // the job ended
      }
    });
  }

  List<JobEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The job after each event, in order. */
  List<Job> snapshots() {
    return events().stream().map(JobEvent::getJob).toList();
  }

  /**
   * How the worker's place in the job changed, event by event: "in" while it is a ring member or a
   * joiner (listed in any state but LOST and EXITED), else "lost" or "exited" as it is listed, or
   * "absent". Repeats are collapsed: {@code [absent, in, lost]} means admitted once and lost once.
   */
  List<String> membership(String workerId) {
    List<String> changes = new ArrayList<>();
    for (Job j : snapshots()) {
      List<WorkerState> states = j.getWorkersList().stream().filter(w -> w.getWorkerId().equals(workerId))
          .map(WorkerStatus::getState).toList();
      String now = states.stream().anyMatch(s -> s != WorkerState.WORKER_LOST && s != WorkerState.WORKER_EXITED) ? "in"
          : states.contains(WorkerState.WORKER_LOST) ? "lost"
          : states.contains(WorkerState.WORKER_EXITED) ? "exited" : "absent";
      if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(now)) {
        changes.add(now);
      }
    }
    return changes;
  }

  /** Times the worker went from a member or joiner of the job to LOST. */
  long evictions(String workerId) {
    List<String> m = membership(workerId);
    long n = 0;
    for (int i = 1; i < m.size(); i++) {
      if (m.get(i - 1).equals("in") && m.get(i).equals("lost")) {
        n++;
      }
    }
    return n;
  }

  /** The notices published with events (worker losses, ring generations, stalls), in order. */
  List<String> notices() {
    return events().stream().map(JobEvent::getNotice).filter(n -> !n.isEmpty()).toList();
  }

  /** A worker's statuses as they changed from event to event (repeats left out), for failure messages. */
  String history(String workerId) {
    StringBuilder b = new StringBuilder();
    String last = "";
    for (JobEvent e : events()) {
      StringBuilder now = new StringBuilder();
      for (WorkerStatus w : e.getJob().getWorkersList()) {
        if (w.getWorkerId().equals(workerId)) {
          now.append("  rank ").append(w.getRank()).append(' ').append(w.getState()).append(' ').append(w.getMessage())
              .append('\n');
        }
      }
      String line = "generation " + e.getJob().getGeneration() + " " + e.getJob().getState() + ":\n" + now;
      if (!line.equals(last)) {
        b.append(line);
        last = line;
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    done = true;
    retry.shutdownNow();
  }
}
