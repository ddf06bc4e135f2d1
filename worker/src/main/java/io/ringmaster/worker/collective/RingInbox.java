package io.ringmaster.worker.collective;

import io.grpc.Status;
import io.ringmaster.proto.v1.RingChunk;
import io.ringmaster.proto.v1.RingFrame;
import io.ringmaster.proto.v1.RingHello;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Receiving end of one ring generation in this process: accepts the stream from the left neighbour,
 * queues its chunks for the op thread with a bounded credit (frames are requested one by one as they
 * are consumed), and turns stream events into ring failures: an abort frame (the left neighbour failed),
 * a broken stream (left neighbour lost), an early half-close (left neighbour left the ring).
 */
final class RingInbox {
  private final String jobId;
  private final String token;
  private final long generation;
  private final int rank;
  private final int leftRank;
  private final int worldSize;
  private final PeerAddress leftAddress;
  private final int framesAhead;
  private final RingEvents events;
  private final Consumer<RingFailure> failures;

  private final ArrayDeque<InboundFrame> queue = new ArrayDeque<>();
  private InboundCall call;
  private RingFailure closedBy; // guarded by this; non-null once this rank left the generation, saying why
  private volatile boolean leftConnected;

  RingInbox(RingMembership membership, RingOptions options, RingEvents events,
      Consumer<RingFailure> failures) {
    this.jobId = membership.jobId();
    this.token = membership.token();
    this.generation = membership.generation();
    this.rank = membership.rank();
    this.leftRank = membership.leftRank();
    this.worldSize = membership.worldSize();
    this.leftAddress = membership.peer(leftRank);
    this.framesAhead = options.framesAhead();
    this.events = events;
    this.failures = failures;
  }

  /** The ring's token: calls from peers must carry it. */
  String token() {
    return token;
  }

  String jobId() {
    return jobId;
  }

  long generation() {
    return generation;
  }

  /** Whether the left neighbour's stream has been attached. */
  boolean leftConnected() {
    return leftConnected;
  }

  /** Attaches the left neighbour's call, or rejects it. */
  void attach(InboundCall incoming, RingHello hello) {
    String problem = null;
    if (hello.getWorldSize() != worldSize || hello.getSenderRank() != leftRank) {
      problem = "rank " + rank + " of generation " + generation + " expects its stream from rank "
          + leftRank + " of " + worldSize + " but rank " + hello.getSenderRank() + " of "
          + hello.getWorldSize() + " connected: the ranks have different memberships";
    }
    boolean accepted = false;
    RingFailure leftBecause;
    synchronized (this) {
      leftBecause = closedBy;
      if (problem == null && leftBecause == null && call == null) {
        call = incoming;
        accepted = true;
      }
    }
    if (accepted) {
      leftConnected = true;
      incoming.attached(this, framesAhead);
      events.signal();
    } else if (problem != null) {
      incoming.finish(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
      failures.accept(RingFailure.detected(rank, CollectiveException.MISMATCH, problem,
          new int[] {hello.getSenderRank()}, null));
    } else if (leftBecause != null) {
      // this rank already left the generation: a late sender adopts the failure that ended it here, so
      // every rank reports the same reason and suspects instead of a generic "ring changed"
      incoming.finish(FailureCodec.toStatus(leftBecause));
    } else {
      incoming.finish(Status.FAILED_PRECONDITION.withDescription("rank " + rank + " of generation "
          + generation + " already has a stream from rank " + leftRank).asRuntimeException());
    }
  }

  /** A frame from the attached call (transport thread). */
  void onFrame(InboundFrame frame) {
    RingFrame f = frame.frame();
    switch (f.getBodyCase()) {
      case CHUNK -> {
        RingChunk chunk = f.getChunk();
        if (chunk.getGeneration() != generation) {
          frame.release();
          failures.accept(RingFailure.detected(rank, CollectiveException.RING_CHANGED,
              "rank " + leftRank + " sent a frame of generation " + chunk.getGeneration()
                  + " on the stream of generation " + generation + ": the ring changed",
              new int[] {leftRank}, null));
          return;
        }
        boolean queued;
        synchronized (this) {
          queued = closedBy == null;
          if (queued) {
            queue.add(frame);
          }
        }
        if (queued) {
          events.signal();
        } else {
          frame.release();
        }
      }
      case ABORT -> {
        frame.release();
        failures.accept(FailureCodec.fromAbort(f.getAbort()));
      }
      default -> {
        frame.release();
        failures.accept(RingFailure.detected(rank, CollectiveException.MISMATCH,
            "rank " + leftRank + " sent an unexpected " + f.getBodyCase() + " frame mid-stream",
            new int[] {leftRank}, null));
      }
    }
  }

  /** The left neighbour's call broke (its process died, or the connection dropped). */
  void onStreamError(Throwable error) {
    Status status = Status.fromThrowable(error);
    failures.accept(RingFailure.detected(rank, CollectiveException.PEER_LOST,
        "lost rank " + leftRank + " at " + leftAddress + ": its stream to rank " + rank + " broke ("
            + status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription())
            + "); check that worker's process and log, then re-form the ring",
        new int[] {leftRank}, error));
    events.signal();
  }

  /** The left neighbour half-closed without an abort: it left the ring. */
  void onStreamCompleted(InboundCall incoming) {
    incoming.finishOk();
    failures.accept(RingFailure.detected(rank, CollectiveException.RING_CHANGED,
        "rank " + leftRank + " left the ring (closed its collective of generation " + generation + ")",
        new int[] {leftRank}, null));
    events.signal();
  }

  /** Another ring (a newer generation of this job, or a ring of another job) was joined in this process. */
  void supersededBy(String newerJob, long newerGeneration) {
    String what = newerJob.equals(jobId)
        ? "this worker joined generation " + newerGeneration + "; generation " + generation + " is obsolete"
        : "this worker joined " + RingMembership.describe(newerJob, newerGeneration) + "; the ring of "
            + RingMembership.describe(jobId, generation) + " is obsolete";
    failures.accept(RingFailure.detected(rank, CollectiveException.RING_CHANGED, what, new int[0], null));
  }

  /** This process left the job (it no longer serves it): this ring is over. */
  void jobLeft() {
    failures.accept(RingFailure.detected(rank, CollectiveException.RING_CHANGED,
        "this worker left job " + jobId + "; the ring of " + RingMembership.describe(jobId, generation)
            + " is over", new int[0], null));
  }

  /** Next queued chunk, or null. */
  synchronized InboundFrame poll() {
    return queue.poll();
  }

  /** The op thread consumed one chunk: let the sender send one more. */
  void consumed() {
    InboundCall c;
    synchronized (this) {
      c = call;
    }
    if (c != null) {
      c.request(1);
    }
  }

  /**
   * Ends the inbound call with {@code failure} (so the left neighbour adopts it) and drops queued
   * frames. Idempotent.
   */
  void close(RingFailure failure) {
    InboundCall c;
    List<InboundFrame> dropped;
    synchronized (this) {
      if (closedBy != null) {
        return;
      }
      closedBy = java.util.Objects.requireNonNull(failure, "failure");
      c = call;
      dropped = new ArrayList<>(queue);
      queue.clear();
    }
    dropped.forEach(InboundFrame::release);
    if (c != null) {
      c.finish(FailureCodec.toStatus(failure));
    }
  }
}
