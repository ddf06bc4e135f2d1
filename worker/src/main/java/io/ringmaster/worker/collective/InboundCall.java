package io.ringmaster.worker.collective;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server end of one incoming ring call: reads the hello, lets the {@link CollectiveService} route the
 * call, then hands every further frame to the {@link RingInbox} it was attached to. Owns the call's
 * response side; ends it exactly once.
 */
final class InboundCall implements StreamObserver<InboundFrame> {
  private final CollectiveService service;
  private final ServerCallStreamObserver<RingAck> call;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile RingHello hello;
  private volatile RingInbox inbox;

  InboundCall(CollectiveService service, ServerCallStreamObserver<RingAck> call) {
    this.service = service;
    this.call = call;
  }

  RingHello hello() {
    return hello;
  }

  /** Binds this call to its ring and opens the inbound credit. */
  void attached(RingInbox target, int credits) {
    inbox = target;
    request(credits);
  }

  /** Lets the sender send {@code n} more frames. */
  void request(int n) {
    if (!finished.get()) {
      try {
        call.request(n);
      } catch (RuntimeException e) {
        // the call is already closed; nothing to request
      }
    }
  }

  /** Ends the call with an error status; later calls are ignored. */
  void finish(StatusRuntimeException status) {
    if (finished.compareAndSet(false, true)) {
      try {
        call.onError(status);
      } catch (RuntimeException e) {
        // already cancelled by the client
      }
    }
  }

  /** Ends the call normally (the sender half-closed). */
  void finishOk() {
    if (finished.compareAndSet(false, true)) {
      try {
        call.onNext(RingAck.getDefaultInstance());
        call.onCompleted();
      } catch (RuntimeException e) {
        // already cancelled by the client
      }
    }
  }

  @Override
  public void onNext(InboundFrame frame) {
    RingInbox target = inbox;
    if (target != null) {
      target.onFrame(frame);
      return;
    }
    RingFrame first = frame.frame();
    frame.release();
    if (hello != null) {
      // not requested while waiting for the join; a sender that ignores flow control is broken
      finish(Status.FAILED_PRECONDITION.withDescription(
          "ring frame received before the stream was attached to a ring").asRuntimeException());
      return;
    }
    if (!first.hasHello()) {
      finish(Status.INVALID_ARGUMENT.withDescription(
          "the first frame of a ring stream must be a hello, got " + first.getBodyCase())
          .asRuntimeException());
      return;
    }
    hello = first.getHello();
    service.offerHello(this, hello);
  }

  @Override
  public void onError(Throwable t) {
    finished.set(true); // cancelled by the client or the connection: nothing to answer
    service.forget(this);
    RingInbox target = inbox;
    if (target != null) {
      target.onStreamError(t);
    }
  }

  @Override
  public void onCompleted() {
    service.forget(this);
    RingInbox target = inbox;
    if (target != null) {
      target.onStreamCompleted(this);
    } else {
      finishOk();
    }
  }
}
