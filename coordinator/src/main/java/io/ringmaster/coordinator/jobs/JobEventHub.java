package io.ringmaster.coordinator.jobs;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.JobState;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Fans job events out to {@code WatchJob} streams. Subscribing and publishing hold one lock, so a
 * watcher's first event (the snapshot) and everything after it are in order with nothing missed; when
 * a job reaches a terminal state its watchers get that last event and their streams complete.
 */
final class JobEventHub {
  private final Map<String, List<StreamObserver<JobEvent>>> watchers = new HashMap<>();
  private final LongSupplier wallClock;

  JobEventHub(LongSupplier wallClock) {
    this.wallClock = wallClock;
  }

  synchronized void publish(JobEvent.Kind kind, Job job, JobEvent.Builder extra) {
    List<StreamObserver<JobEvent>> list = watchers.get(job.getId());
    boolean terminal = JobState.fromProto(job.getState()).isTerminal();
    if (list == null) {
      return;
    }
    JobEvent event = extra.setKind(kind).setJob(job).setTimeMs(wallClock.getAsLong()).build();
    for (StreamObserver<JobEvent> w : List.copyOf(list)) {
      if (!send(w, event)) {
        list.remove(w);
      }
    }
    if (terminal) {
      for (StreamObserver<JobEvent> w : list) {
        complete(w);
      }
      watchers.remove(job.getId());
    }
  }

  /**
   * Sends {@code current} as a SNAPSHOT and keeps the stream for later events; completes it at once if
   * the job is already terminal. {@code current} must be read under this hub's lock by the caller's
   * supplier to be consistent; see {@link #subscribe(java.util.function.Supplier, StreamObserver)}.
   */
  synchronized void subscribe(java.util.function.Supplier<Job> current, StreamObserver<JobEvent> w) {
    Job job = current.get();
    JobEvent snapshot = JobEvent.newBuilder().setKind(JobEvent.Kind.SNAPSHOT).setJob(job)
        .setTimeMs(wallClock.getAsLong()).build();
    if (!send(w, snapshot)) {
      return;
    }
    if (JobState.fromProto(job.getState()).isTerminal()) {
      complete(w);
      return;
    }
    watchers.computeIfAbsent(job.getId(), k -> new ArrayList<>()).add(w);
    if (w instanceof ServerCallStreamObserver<JobEvent> s) {
      s.setOnCancelHandler(() -> unsubscribe(job.getId(), w));
    }
  }

  private synchronized void unsubscribe(String jobId, StreamObserver<JobEvent> w) {
    List<StreamObserver<JobEvent>> list = watchers.get(jobId);
    if (list != null) {
      list.remove(w);
    }
  }

  /** Completes every open stream (coordinator shutting down). */
  synchronized void closeAll() {
    for (List<StreamObserver<JobEvent>> list : watchers.values()) {
      for (StreamObserver<JobEvent> w : list) {
        complete(w);
      }
    }
    watchers.clear();
  }

  private static boolean send(StreamObserver<JobEvent> w, JobEvent e) {
    try {
      if (w instanceof ServerCallStreamObserver<JobEvent> s && s.isCancelled()) {
        return false;
      }
      w.onNext(e);
      return true;
    } catch (RuntimeException ex) {
      return false;
    }
  }

  private static void complete(StreamObserver<JobEvent> w) {
    try {
      w.onCompleted();
    } catch (RuntimeException ignored) {
      // client already gone
    }
  }
}
