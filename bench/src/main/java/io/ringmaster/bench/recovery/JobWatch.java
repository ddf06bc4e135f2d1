package io.ringmaster.bench.recovery;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows one job's {@code WatchJob} stream: keeps every event in arrival order and hands each to a
 * listener as it arrives (on a gRPC thread). The stream ends after the job's terminal event.
 */
final class JobWatch {
  /** Called for every event, in order, on the stream's thread; must be quick. */
  @FunctionalInterface
  interface Listener {
    void onEvent(JobEvent event);
  }

  private final List<JobEvent> events = new ArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Listener listener;
  private volatile Throwable error;

  private JobWatch(Listener listener) {
    this.listener = listener;
  }

  static JobWatch start(ManagedChannel channel, String jobId, Listener listener) {
    JobWatch w = new JobWatch(listener);
    JobServiceGrpc.newStub(channel).watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(JobEvent e) {
            synchronized (w) {
              w.events.add(e);
            }
            w.listener.onEvent(e);
          }

          @Override
          public void onError(Throwable t) {
            w.error = t;
            w.ended.countDown();
          }

          @Override
          public void onCompleted() {
            w.ended.countDown();
          }
        });
    return w;
  }

  /**
   * Waits until the stream has ended and returns the job of its last event.
   *
   * @throws IllegalStateException if the stream failed or did not end in time
   */
  Job awaitEnd(Duration max) throws InterruptedException {
    if (!ended.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("job did not finish within " + max.toMinutes() + " min");
    }
    if (error != null) {
      throw new IllegalStateException("WatchJob stream failed: " + error, error);
    }
    List<JobEvent> all = events();
    if (all.isEmpty()) {
      throw new IllegalStateException("WatchJob stream ended without any event");
    }
    return all.get(all.size() - 1).getJob();
  }

  /** The events received so far, in order. */
  synchronized List<JobEvent> events() {
    return List.copyOf(events);
  }
}
