package io.ringmaster.job.checkpoint;

import io.grpc.stub.CallStreamObserver;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a finite sequence of messages on a call, only while the transport says it is ready
 * ({@link CallStreamObserver#isReady()}), so at most one flow-control window of messages is ever
 * buffered; then completes the call. Install it as the call's on-ready handler; it is safe against
 * re-entrant and concurrent invocations.
 */
public final class ReadyPump<T> implements Runnable {
  private final CallStreamObserver<T> call;
  private final Iterator<T> messages;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean stopped;
  private boolean completed;

  public ReadyPump(CallStreamObserver<T> call, Iterator<T> messages) {
    this.call = call;
    this.messages = messages;
  }

  /** Stops sending (the call was cancelled or failed); the call is not completed. */
  public void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    if (pending.getAndIncrement() != 0) {
      return; // the invocation in progress will loop once more
    }
    do {
      drain();
    } while (pending.decrementAndGet() != 0);
  }

  private void drain() {
    if (completed) {
      return;
    }
    while (!stopped && call.isReady() && messages.hasNext()) {
      call.onNext(messages.next());
    }
    if (!stopped && !messages.hasNext()) {
      completed = true;
      call.onCompleted();
    }
  }
}
