package io.ringmaster.coordinator.jobs;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.JobState;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Numbers job events and fans them out to {@code WatchJob} streams.
 *
 * <p><b>Numbering.</b> Every event but PROGRESS gets the job's next sequence number (1, 2, 3, ...); the
 * job is stored with it ({@code Job.event_sequence}) before the event is sent, so a restarted coordinator
 * continues after the last number any client can have seen and never reuses one. PROGRESS events and
 * snapshots carry the sequence of the last numbered event. Numbers start after the largest of what this
 * hub has handed out and what the job says ({@code Job.event_sequence} as stored).
 *
 * <p><b>Resuming.</b> The last {@link #HISTORY} numbered events of each unfinished job are kept. A
 * watcher that asks for {@code from_sequence} N gets the events N, N+1, ... replayed when they are all
 * still held (nothing when N is the next number), otherwise (trimmed, or held by a coordinator before a
 * restart, or N ahead of the job) a SNAPSHOT of the job as it is now; then the live events.
 *
 * <p><b>Ending.</b> When a job reaches a terminal state its watchers get that last event and their
 * streams complete with OK, and its history is cut to that terminal event (its numbering is kept until the job is deleted). When the coordinator shuts down
 * ({@link #closeAll()}) every open stream ends with UNAVAILABLE naming the sequence to resume from.
 *
 * <p>Subscribing, numbering, storing and sending hold one lock, so a watcher's first event and
 * everything after it are in order with nothing missed or repeated.
 */
final class JobEventHub {
  /** Numbered events kept per unfinished job for watchers that resume. */
  static final int HISTORY = 256;

  /** One job's numbering, recent events and watchers. */
  private static final class Stream {
    long last;
    final ArrayDeque<JobEvent> history = new ArrayDeque<>();
    final List<StreamObserver<JobEvent>> watchers = new ArrayList<>();

    Stream(long last) {
      this.last = last;
    }
  }

  private final Map<String, Stream> streams = new HashMap<>();
  private final LongSupplier wallClock;

  JobEventHub(LongSupplier wallClock) {
    this.wallClock = wallClock;
  }

  /** {@link #publish(JobEvent.Kind, Job, JobEvent.Builder, Consumer)} of a job already stored as it is. */
  void publish(JobEvent.Kind kind, Job job, JobEvent.Builder extra) {
    publish(kind, job, extra, j -> { });
  }

  /**
   * Numbers the event (unless PROGRESS), stores the numbered job with {@code persist}, keeps the event for
   * resuming watchers and sends it to the job's watchers.
   *
   * @return the job as sent, with its {@code event_sequence}
   */
  synchronized Job publish(JobEvent.Kind kind, Job job, JobEvent.Builder extra, Consumer<Job> persist) {
    Stream stream = stream(job);
    boolean numbered = kind != JobEvent.Kind.PROGRESS;
    if (numbered) {
      stream.last++;
    }
    Job stamped = withSequence(job, stream.last);
    if (numbered) {
      persist.accept(stamped);
    }
    JobEvent event = extra.setKind(kind).setJob(stamped).setTimeMs(wallClock.getAsLong())
        .setSequence(stream.last).build();
    if (numbered) {
      stream.history.addLast(event);
      while (stream.history.size() > HISTORY) {
        stream.history.removeFirst();
      }
    }
    stream.watchers.removeIf(w -> !send(w, event));
    if (JobState.fromProto(job.getState()).isTerminal()) {
      for (StreamObserver<JobEvent> w : stream.watchers) {
        complete(w);
      }
      stream.watchers.clear();
      // the numbering stays, for later writes of the finished job; only the terminal event is still
      // replayed, to a watcher that resumes just before it
      while (stream.history.size() > 1) {
        stream.history.removeFirst();
      }
    }
    return stamped;
  }

  /** The job with the sequence of its last numbered event, for storing it outside an event. */
  synchronized Job stamp(Job job) {
    Stream s = streams.get(job.getId());
    return s == null ? job : withSequence(job, Math.max(s.last, job.getEventSequence()));
  }

  /**
   * Starts a watcher: replays from {@code fromSequence} or sends a SNAPSHOT (see the class comment), then
   * keeps the stream for later events; completes it at once if the job is already terminal.
   * {@code current} is read under this hub's lock.
   *
   * @param fromSequence 0 for a new watcher (SNAPSHOT first); the next sequence wanted when resuming
   */
  synchronized void subscribe(Supplier<Job> current, long fromSequence, StreamObserver<JobEvent> w) {
    Job job = current.get();
    boolean terminal = JobState.fromProto(job.getState()).isTerminal();
    Stream stream = stream(job);
    long last = stream.last;
    List<JobEvent> replay = fromSequence > 0 ? replay(stream, last, fromSequence) : null;
    JobEvent snapshot = JobEvent.newBuilder().setKind(JobEvent.Kind.SNAPSHOT).setJob(withSequence(job, last))
        .setTimeMs(wallClock.getAsLong()).setSequence(last).build();
    if (replay == null) {
      replay = List.of(snapshot);
    } else if (terminal && (replay.isEmpty() || !isTerminal(replay.get(replay.size() - 1).getJob()))) {
      // the job ended but its terminal event is not numbered yet (it is being published): a stream ends
      // with OK only after an event that carries the finished job
      replay = new ArrayList<>(replay);
      replay.add(snapshot);
    }
    for (JobEvent e : replay) {
      if (!send(w, e)) {
        return;
      }
    }
    if (terminal) {
      complete(w);
      return;
    }
    stream.watchers.add(w);
    if (w instanceof ServerCallStreamObserver<JobEvent> s) {
      s.setOnCancelHandler(() -> unsubscribe(job.getId(), w));
    }
  }

  /** The held events from {@code from} on (empty when {@code from} is next); null when they are not all held. */
  private static List<JobEvent> replay(Stream stream, long last, long from) {
    if (from == last + 1) {
      return List.of();
    }
    if (from > last || stream.history.isEmpty() || stream.history.peekFirst().getSequence() > from) {
      return null;
    }
    return stream.history.stream().filter(e -> e.getSequence() >= from).toList();
  }

  private static boolean isTerminal(Job job) {
    return JobState.fromProto(job.getState()).isTerminal();
  }

  private Stream stream(Job job) {
    Stream s = streams.computeIfAbsent(job.getId(), k -> new Stream(job.getEventSequence()));
    s.last = Math.max(s.last, job.getEventSequence());
    return s;
  }

  private static Job withSequence(Job job, long sequence) {
    return job.getEventSequence() == sequence ? job : job.toBuilder().setEventSequence(sequence).build();
  }

  /** Forgets a deleted job's numbering. */
  synchronized void forget(String jobId) {
    streams.remove(jobId);
  }

  private synchronized void unsubscribe(String jobId, StreamObserver<JobEvent> w) {
    Stream s = streams.get(jobId);
    if (s != null) {
      s.watchers.remove(w);
    }
  }

  /**
   * Coordinator shutting down: every open stream ends with UNAVAILABLE, which clients retry, naming the
   * sequence to resume from. The jobs are not finished; a coordinator restarted on the same store goes on
   * numbering their events.
   */
  synchronized void closeAll() {
    streams.forEach((id, s) -> {
      for (StreamObserver<JobEvent> w : s.watchers) {
        try {
          w.onError(Status.UNAVAILABLE.withDescription("coordinator shutting down; job " + id + " is not finished:"
              + " watch again with from_sequence " + (s.last + 1) + " once the coordinator is back")
              .asRuntimeException());
        } catch (RuntimeException ignored) {
          // client already gone
        }
      }
      s.watchers.clear();
    });
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
