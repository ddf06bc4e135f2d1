package io.ringmaster.worker.collective;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.ringmaster.proto.v1.RingChunk;
import io.ringmaster.proto.v1.RingFrame;
import java.nio.FloatBuffer;
import java.util.function.LongSupplier;

/**
 * One all-reduce on one rank, run on the caller's thread: an event loop that sends whatever the
 * schedule allows while the outgoing stream is ready, and consumes whatever the left neighbour sent,
 * until every frame of the op went both ways. It never blocks on the network: it sleeps on {@link
 * RingEvents} until a frame arrives, the stream becomes ready, the ring fails or the op times out.
 * Timeouts are measured on the ring's injected monotonic clock ({@link RingAllReduce#join(
 * CollectiveService, RingMembership, RingOptions, LongSupplier)}).
 */
final class AllReduceOp {
  /** Frames consumed per loop turn before giving the sender a chance. */
  private static final int RECEIVE_BURST = 4;

  private final RingAllReduce ring;
  private final RingInbox inbox;
  private final RingOutbox outbox;
  private final RingEvents events;
  private final FloatCodec codec;
  private final byte[] staging;
  private final RingSchedule schedule;
  private final FloatBuffer buffer;
  private final long opSeq;
  private final LongSupplier nanoClock;
  private final long startNanos;

  private int sendStep;
  private int sendChunk;
  private int recvStep;
  private int recvChunk;
  private volatile int framesSent;
  private volatile int framesReceived;
  private volatile boolean leftStarted;
  private volatile boolean running = true;

  AllReduceOp(RingAllReduce ring, RingInbox inbox, RingOutbox outbox, RingEvents events,
      FloatCodec codec, byte[] staging, RingSchedule schedule, FloatBuffer buffer, long opSeq,
      LongSupplier nanoClock) {
    this.ring = ring;
    this.inbox = inbox;
    this.outbox = outbox;
    this.events = events;
    this.codec = codec;
    this.staging = staging;
    this.schedule = schedule;
    this.buffer = buffer;
    this.opSeq = opSeq;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  void run() throws CollectiveException {
    try {
      loop();
    } finally {
      running = false;
    }
  }

  OpProgress progress() {
    boolean r = running;
    return new OpProgress(ring.generation(), ring.rank(), opSeq, r, framesSent, framesReceived,
        schedule.totalFrames(), leftStarted, r ? nanoClock.getAsLong() - startNanos : 0);
  }

  boolean waitingOnLeft() {
    return running && recvStep < schedule.steps();
  }

  private void loop() throws CollectiveException {
    long timeout = ring.options().opTimeout().toNanos();
    long deadline = startNanos + timeout;
    long graceDeadline = deadline + ring.options().stallGrace().toNanos();
    int steps = schedule.steps();
    while (sendStep < steps || recvStep < steps) {
      long seen = events.version();
      ring.throwIfFailed();
      boolean progressed = false;
      for (int i = 0; i < RECEIVE_BURST && recvStep < steps; i++) {
        InboundFrame frame = inbox.poll();
        if (frame == null) {
          break;
        }
        try {
          receive(frame.frame().getChunk());
        } finally {
          frame.release();
        }
        inbox.consumed();
        progressed = true;
      }
      while (sendStep < steps && sendAllowed() && outbox.isReady()) {
        sendNext();
        progressed = true;
      }
      if (!progressed) {
        long limit = leftStarted ? graceDeadline : deadline;
        if (nanoClock.getAsLong() - limit >= 0) {
          ring.fail(timeoutFailure());
          ring.throwIfFailed();
        }
        try {
          events.awaitChange(seen, limit, nanoClock);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          ring.fail(RingFailure.detected(ring.rank(), CollectiveException.RING_CHANGED,
              "op " + opSeq + " was interrupted; this rank abandoned the ring", new int[0], e));
          ring.throwIfFailed();
        }
      }
    }
  }

  /** Chunk c of step k > 0 forwards what chunk c of step k-1 brought in. */
  private boolean sendAllowed() {
    return sendStep == 0
        || recvStep > sendStep - 1
        || (recvStep == sendStep - 1 && recvChunk > sendChunk);
  }

  private void sendNext() {
    int segment = schedule.sendSegment(sendStep);
    int offset = schedule.chunkOffset(segment, sendChunk);
    int count = schedule.chunkLength(segment, sendChunk);
    FloatCodec.encode(buffer, offset, count, staging);
    RingChunk chunk = RingChunk.newBuilder()
        .setGeneration(ring.generation())
        .setOpSeq(opSeq)
        .setTotalElements(schedule.length())
        .setStep(sendStep)
        .setOffsetElements(offset)
        .setData(count == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(staging, 0, count * 4))
        .build();
    outbox.send(RingFrame.newBuilder().setChunk(chunk).build());
    framesSent++;
    if (++sendChunk == schedule.chunks(segment)) {
      sendChunk = 0;
      sendStep++;
    }
  }

  private void receive(RingChunk chunk) throws CollectiveException {
    leftStarted = true;
    int segment = schedule.recvSegment(recvStep);
    int offset = schedule.chunkOffset(segment, recvChunk);
    int count = schedule.chunkLength(segment, recvChunk);
    if (chunk.getOpSeq() != opSeq || chunk.getTotalElements() != schedule.length()
        || chunk.getStep() != recvStep || chunk.getOffsetElements() != offset
        || chunk.getData().size() != count * 4) {
      int left = ring.membership().leftRank();
      ring.fail(RingFailure.detected(ring.rank(), CollectiveException.MISMATCH,
          "rank " + left + " sent op " + chunk.getOpSeq() + " step " + chunk.getStep() + " offset "
              + chunk.getOffsetElements() + " (" + chunk.getData().size() + " bytes) of a "
              + chunk.getTotalElements() + "-element vector, but rank " + ring.rank() + " expected op "
              + opSeq + " step " + recvStep + " offset " + offset + " (" + count * 4 + " bytes) of a "
              + schedule.length() + "-element vector: every rank must call allReduceSum with the same"
              + " length, in the same order",
          new int[] {Math.min(left, ring.rank()), Math.max(left, ring.rank())}, null));
      ring.throwIfFailed();
    }
    if (count > 0) {
      codec.decode(chunk.getData(), buffer, offset, schedule.isReduceStep(recvStep));
    }
    framesReceived++;
    if (++recvChunk == schedule.chunks(segment)) {
      recvChunk = 0;
      recvStep++;
    }
  }

  private RingFailure timeoutFailure() {
    int left = ring.membership().leftRank();
    long waitedMs = (nanoClock.getAsLong() - startNanos) / 1_000_000;
    String detail = leftStarted
        ? "op " + opSeq + " stalled for " + waitedMs + " ms: rank " + left + " sent " + framesReceived
            + " of " + schedule.totalFrames() + " frames and then nothing (it is waiting upstream)"
        : "op " + opSeq + " waited " + waitedMs + " ms for rank " + left + ", which has not started"
            + " it (" + (inbox.leftConnected() ? "connected" : "never connected")
            + "): is that rank calling allReduceSum the same number of times?";
    if (outbox.isReady() || sendStep >= schedule.steps()) {
      return RingFailure.detected(ring.rank(), CollectiveException.TIMEOUT, detail, new int[] {left}, null);
    }
    int right = ring.membership().rightRank();
    return RingFailure.detected(ring.rank(), CollectiveException.TIMEOUT,
        detail + "; rank " + right + " is also not consuming what this rank sends",
        new int[] {left}, null);
  }
}
