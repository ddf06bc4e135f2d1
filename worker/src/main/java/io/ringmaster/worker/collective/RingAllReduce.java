package io.ringmaster.worker.collective;

import io.ringmaster.proto.v1.RingHello;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Ring all-reduce (sum of float32 vectors) over gRPC, one instance per rank per ring (one membership
 * generation of one job: a worker serves jobs one after another and each job numbers its generations),
 * like Horovod's or NCCL's ring: every rank ends with the bit-identical element-wise sum.
 *
 * <h2>Protocol, step by step</h2>
 * <ol>
 *   <li><b>Join.</b> Every worker process runs one gRPC server hosting one {@link CollectiveService}.
 *       {@link #join} registers this ring's inbox with that service, then opens ONE
 *       client-streaming call {@code Collective/Ring} to the right neighbour {@code (rank + 1) % N} and
 *       sends a {@code RingHello(job, generation, rank, N)}. The right neighbour's service attaches the
 *       call to its inbox of that job and generation (waiting for its own join if it is behind;
 *       rejecting it with ABORTED if it already joined a newer generation of the job or left the job).
 *       The call lives until the ring is closed or fails and carries every frame of every op of the
 *       ring, so every frame belongs to the hello's job: frames of two jobs never meet in one ring.
 *       N = 1 opens nothing.</li>
 *   <li><b>Schedule.</b> {@link #allReduceSum} numbers ops 0, 1, 2, ... ({@code op_seq}). The vector of
 *       L elements is split into N segments, segment s = {@code [s*L/N, (s+1)*L/N)}, each streamed as
 *       chunks of at most {@link RingOptions#chunkBytes()} bytes (an empty segment is one empty chunk).
 *       There are 2(N-1) steps; at step k rank r sends segment {@code (r-k) mod N} and receives segment
 *       {@code (r-k-1) mod N} from its left neighbour.</li>
 *   <li><b>Reduce-scatter</b> (steps 0 .. N-2). At step 0 a rank sends its own segment. A received chunk
 *       is checked (generation, op_seq, total length, step, offset, size; any difference fails the ring
 *       with Mismatch) and added into the local vector in place ({@code local + received}). That chunk is
 *       the one the next step sends, so it is forwarded as soon as it is reduced (pipelining per chunk,
 *       not per segment). After step N-2 rank r holds the complete sum of segment {@code (r+1) mod N};
 *       that sum was computed exactly once, by r.</li>
 *   <li><b>All-gather</b> (steps N-1 .. 2N-3). Ranks pass the complete segments around the ring; a
 *       received chunk overwrites the local one and is forwarded. Every element of the result is thus
 *       the bytes computed by one rank, copied: results are bit-identical on every rank.</li>
 *   <li><b>Flow control.</b> The sender only writes while gRPC reports the stream ready (at most {@link
 *       RingOptions#sendBufferBytes()} queued); the receiver requests {@link RingOptions#framesAhead()}
 *       frames ahead and one more per frame consumed, so frames of the next op that arrive early wait in
 *       a bounded queue. The op runs on the caller's thread and sleeps while nothing can progress.</li>
 *   <li><b>Copies.</b> Sending copies a chunk from the caller's buffer into a reusable staging array,
 *       which gRPC serializes into the transport's buffers before {@code onNext} returns. Receiving
 *       parses frames in place in the transport's buffers ({@link RingFrameMarshaller}) and adds or
 *       copies them straight into the caller's buffer.</li>
 *   <li><b>Failure.</b> The first failure a rank sees wins and is forwarded both ways: downstream as a
 *       {@code RingAbort} frame before half-closing, upstream as the status of the inbound call (with
 *       trailers), so every rank fails the pending or next op with the same {@link CollectiveException}:
 *       {@code PeerLost} (UNAVAILABLE) when a stream breaks (a process died; dead hosts are found by
 *       keep-alive pings), {@code RingChanged} (ABORTED) for a generation mismatch, a neighbour that left,
 *       or a closed ring, {@code Mismatch} (INVALID_ARGUMENT) when ranks disagree on length or op
 *       sequence, {@code Timeout} (DEADLINE_EXCEEDED) when the left neighbour sends nothing for {@link
 *       RingOptions#opTimeout()} (plus {@link RingOptions#stallGrace()} if it did start the op, so the
 *       rank next to the one that never started reports first). A failed instance stays failed: re-form
 *       the ring with a new generation.</li>
 *   <li><b>Leave.</b> {@link #close()} fails the ring with {@code RingChanged} (telling both neighbours),
 *       half-closes the outgoing call, ends the incoming one and releases the channel.</li>
 * </ol>
 *
 * <p>Thread-safety: {@link #allReduceSum} must be called by one thread at a time (ops are ordered);
 * {@link #close()}, {@link #progress()} and {@link #pendingRanks()} may be called from any thread.
 */
public final class RingAllReduce implements Collective {
  private final RingMembership membership;
  private final RingOptions options;
  private final CollectiveService service;
  private final LongSupplier nanoClock;
  private final RingEvents events = new RingEvents();
  private final RingInbox inbox;
  private final RingOutbox outbox;
  private final FloatCodec codec = new FloatCodec();
  private final byte[] staging;
  private final AtomicBoolean opRunning = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile RingFailure failure;
  private volatile AllReduceOp currentOp;
  private volatile long nextOpSeq;

  private RingAllReduce(CollectiveService service, RingMembership membership, RingOptions options,
      LongSupplier nanoClock) {
    this.service = service;
    this.nanoClock = nanoClock;
    this.membership = membership;
    this.options = options;
    boolean networked = membership.worldSize() > 1;
    this.staging = networked ? new byte[options.chunkBytes()] : new byte[0];
    this.inbox = networked ? new RingInbox(membership, options, events, this::fail) : null;
    this.outbox = networked
        ? new RingOutbox(service.peerChannel(membership.peer(membership.rightRank()), options),
            membership, options, events, this::fail)
        : null;
  }

  /**
   * Joins generation {@code membership.generation()} as {@code membership.rank()}: registers with this
   * process's {@code inbound} service and connects to the right neighbour. Returns at once; the first
   * op waits for the ring to be complete (within {@link RingOptions#opTimeout()}).
   *
   * @param inbound the {@link CollectiveService} hosted by this process's gRPC server
   * @throws IllegalStateException if this process already joined this or a newer generation of the job
   */
  public static RingAllReduce join(CollectiveService inbound, RingMembership membership, RingOptions options) {
    return join(inbound, membership, options, System::nanoTime);
  }

  /**
   * As {@link #join(CollectiveService, RingMembership, RingOptions)}, measuring op timeouts and progress
   * on {@code nanoClock} (monotonic nanoseconds, like {@link System#nanoTime}).
   */
  public static RingAllReduce join(CollectiveService inbound, RingMembership membership, RingOptions options,
      LongSupplier nanoClock) {
    Objects.requireNonNull(inbound, "inbound");
    Objects.requireNonNull(membership, "membership");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(nanoClock, "nanoClock");
    RingAllReduce ring = new RingAllReduce(inbound, membership, options, nanoClock);
    if (ring.inbox != null) {
      try {
        inbound.register(ring.inbox);
      } catch (RuntimeException e) {
        ring.outbox.shutdownNow();
        throw e;
      }
      ring.outbox.start(RingHello.newBuilder()
          .setJobId(membership.jobId())
          .setGeneration(membership.generation())
          .setSenderRank(membership.rank())
          .setWorldSize(membership.worldSize())
          .build());
    }
    return ring;
  }

  @Override
  public int rank() {
    return membership.rank();
  }

  @Override
  public int worldSize() {
    return membership.worldSize();
  }

  @Override
  public long generation() {
    return membership.generation();
  }

  public RingMembership membership() {
    return membership;
  }

  public RingOptions options() {
    return options;
  }

  @Override
  public void allReduceSum(FloatBuffer buffer) throws CollectiveException {
    Objects.requireNonNull(buffer, "buffer");
    if (buffer.isReadOnly()) {
      throw new IllegalArgumentException("allReduceSum needs a writable buffer; got a read-only one");
    }
    if (!opRunning.compareAndSet(false, true)) {
      throw new IllegalStateException("allReduceSum is already running on rank " + rank()
          + ": ops must be issued by one thread, in the same order on every rank");
    }
    try {
      throwIfFailed();
      long seq = nextOpSeq++;
      if (membership.worldSize() == 1) {
        return; // the sum over one rank is the buffer itself
      }
      AllReduceOp op = new AllReduceOp(this, inbox, outbox, events, codec, staging,
          new RingSchedule(worldSize(), rank(), buffer.limit(), options.chunkBytes() / 4), buffer, seq, nanoClock);
      currentOp = op;
      op.run();
    } finally {
      opRunning.set(false);
    }
  }

  /** Ranks this rank is waiting for in the running op (its left neighbour), or none when idle. */
  @Override
  public int[] pendingRanks() {
    AllReduceOp op = currentOp;
    return op != null && op.waitingOnLeft() ? new int[] {membership.leftRank()} : new int[0];
  }

  /** Progress of the running (or last) op. */
  public OpProgress progress() {
    AllReduceOp op = currentOp;
    return op != null ? op.progress()
        : new OpProgress(generation(), rank(), -1, false, 0, 0, 0, false, 0);
  }

  /** The failure that ended this ring, if any (also set by {@link #close()}). */
  public java.util.Optional<CollectiveException> failure() {
    RingFailure f = failure;
    return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.toException());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    fail(RingFailure.detected(rank(), CollectiveException.RING_CHANGED,
        "left the ring (collective of generation " + generation() + " closed)", new int[0], null));
    if (inbox != null) {
      service.unregister(inbox);
      outbox.shutdown();
    }
  }

  /** Test seam: wakes a running op so that it re-reads its (fake) clock at once. */
  void wakeForTest() {
    events.signal();
  }

  /**
   * Test seam simulating this process's death: drops the outgoing connection without telling anyone.
   * The test also shuts its server down (now), which breaks the incoming stream.
   */
  void severForTest() {
    synchronized (this) {
      if (failure == null) {
        failure = RingFailure.detected(rank(), CollectiveException.PEER_LOST, "severed by a test",
            new int[] {rank()}, null);
      }
    }
    closed.set(true);
    if (outbox != null) {
      outbox.shutdownNow();
    }
    events.signal();
  }

  void throwIfFailed() throws CollectiveException {
    RingFailure f = failure;
    if (f != null) {
      throw f.toException();
    }
  }

  /** Records the first failure and forwards it to both neighbours; later failures are ignored. */
  void fail(RingFailure f) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = f;
    }
    if (inbox != null) {
      outbox.finish(FailureCodec.toAbort(f, generation(), Math.max(0, nextOpSeq - 1)));
      inbox.close(f);
    }
    events.signal();
  }
}
