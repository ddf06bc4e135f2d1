package io.ringmaster.coordinator.jobs;

import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.JobEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WatchJob observer for tests: the events it received, in order, and how its stream ended. Safe to read from
 * the test thread while gRPC or the event hub writes.
 */
public final class RecordedEvents implements StreamObserver<JobEvent> {
  public final List<JobEvent> events = new CopyOnWriteArrayList<>();
  public volatile Throwable error;
  public volatile boolean completed;

  @Override
  public void onNext(JobEvent e) {
    events.add(e);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  /** The stream ended, with OK or an error. */
  public boolean ended() {
    return completed || error != null;
  }

  public List<Long> sequences() {
    return events.stream().map(JobEvent::getSequence).toList();
  }

  public List<JobEvent.Kind> kinds() {
    return events.stream().map(JobEvent::getKind).toList();
  }
}
