package io.ringmaster.worker.collective;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CollectiveGrpc;
import io.ringmaster.proto.v1.RingAbort;
import io.ringmaster.proto.v1.RingAck;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sending end of one ring generation in this process: the long-lived client-streaming call to the
 * right neighbour. Exposes gRPC's flow control ({@link #isReady()}, with a wake-up on readiness) so the
 * op thread never queues more than {@link RingOptions#sendBufferBytes()}; turns the call's end into a
 * ring failure (the status's trailers when the neighbour reports a failure, PeerLost when the transport
 * breaks).
 *
 * <p>{@link #send} returns after gRPC serialized the frame into the transport's buffers, so the caller
 * may reuse the payload's backing array. This holds because {@code onNext} is only called once the
 * stream is ready (a real, non-buffering stream) and retries are disabled on the channel.
 */
final class RingOutbox implements ClientResponseObserver<RingFrame, RingAck> {
  private final ManagedChannel channel;
  /** The ring's name and token, sent with the call: the peer's {@link RingAdmission} checks them. */
  private final io.grpc.Metadata headers;
  private final int rank;
  private final int rightRank;
  private final PeerAddress rightAddress;
  private final int sendBufferBytes;
  private final RingEvents events;
  private final Consumer<RingFailure> failures;

  private volatile ClientCallStreamObserver<RingFrame> stream;
  private StreamObserver<RingFrame> requests; // guarded by this
  private boolean halfClosed; // guarded by this
  private volatile boolean ended;

  RingOutbox(ManagedChannel channel, RingMembership membership, RingOptions options, RingEvents events,
      Consumer<RingFailure> failures) {
    this.channel = channel;
    this.headers = membership.callHeaders();
    this.rank = membership.rank();
    this.rightRank = membership.rightRank();
    this.rightAddress = membership.peer(rightRank);
    this.sendBufferBytes = options.sendBufferBytes();
    this.events = events;
    this.failures = failures;
  }

  /** Opens the call and sends the hello (queued by gRPC until the connection is up). */
  void start(RingHello hello) {
    ClientCall<RingFrame, RingAck> call = io.grpc.ClientInterceptors.intercept(channel,
            io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
        .newCall(CollectiveGrpc.getRingMethod(), CallOptions.DEFAULT.withOnReadyThreshold(sendBufferBytes));
    synchronized (this) {
      requests = ClientCalls.asyncClientStreamingCall(call, this);
      requests.onNext(RingFrame.newBuilder().setHello(hello).build());
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<RingFrame> requestStream) {
    this.stream = requestStream;
    requestStream.setOnReadyHandler(events::signal);
  }

  /** Whether a frame may be sent now without exceeding the send buffer. */
  boolean isReady() {
    ClientCallStreamObserver<RingFrame> s = stream;
    return s != null && !ended && s.isReady();
  }

  /** Sends a frame; a no-op once the call ended (the failure is reported separately). */
  synchronized void send(RingFrame frame) {
    if (!halfClosed && !ended) {
      requests.onNext(frame);
    }
  }

  /**
   * Half-closes the call, after an abort frame telling the right neighbour why when {@code abort} is
   * not null. Idempotent.
   */
  synchronized void finish(RingAbort abort) {
    if (halfClosed || requests == null) {
      return;
    }
    halfClosed = true;
    if (!ended) {
      try {
        if (abort != null) {
          requests.onNext(RingFrame.newBuilder().setAbort(abort).build());
        }
        requests.onCompleted();
      } catch (RuntimeException e) {
        // the call ended concurrently; the peer learns from the broken stream instead
      }
    }
  }

  /**
   * Releases the channel. Waits briefly (the receiver answers a half-close at once when it is reading)
   * so the last frames and the half-close reach the peer, then drops the connection.
   */
  void shutdown() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(ended ? 100 : 500, TimeUnit.MILLISECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Drops the connection at once (no half-close): the peer sees the stream break. */
  void shutdownNow() {
    channel.shutdownNow();
  }

  @Override
  public void onNext(RingAck value) {
    // the only answer comes after our half-close
  }

  @Override
  public void onError(Throwable t) {
    ended = true;
    failures.accept(FailureCodec.fromOutboundError(t, rank, rightRank, rightAddress));
    events.signal();
  }

  @Override
  public void onCompleted() {
    ended = true;
    boolean expected;
    synchronized (this) {
      expected = halfClosed;
    }
    if (!expected) {
      failures.accept(RingFailure.detected(rank, CollectiveException.RING_CHANGED,
          "rank " + rightRank + " at " + rightAddress + " ended our ring stream without error",
          new int[] {rightRank}, null));
    }
    events.signal();
  }
}
