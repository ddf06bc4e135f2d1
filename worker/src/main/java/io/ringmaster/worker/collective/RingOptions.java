package io.ringmaster.worker.collective;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning and failure-detection settings of a ring. Every rank of a ring should use the same values;
 * the transport settings ({@link #flowControlWindowBytes}, keep-alive) also apply to the worker's gRPC
 * server through {@link CollectiveTransport#configure(io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder,
 * RingOptions)}.
 *
 * @param chunkBytes payload bytes per frame, a multiple of 4 in {@value #MIN_CHUNK_BYTES}..
 *     {@value #MAX_CHUNK_BYTES}; far below gRPC's 4 MiB message limit
 * @param opTimeout how long one all-reduce may wait for its left neighbour's data before failing with
 *     {@code Timeout}
 * @param stallGrace extra wait granted when the left neighbour has already sent part of the current op
 *     (it is itself waiting upstream), so that the rank next to the one that never started times out
 *     first and reports the right suspect
 * @param sendBufferBytes bytes gRPC may queue on the outgoing stream before it reports not-ready (the
 *     stream's on-ready threshold); bounds the sender's memory
 * @param framesAhead frames the receiver requests ahead of the one it is processing (inbound credit);
 *     bounds the receiver's memory to {@code framesAhead * chunkBytes}
 * @param flowControlWindowBytes HTTP/2 flow-control window of the ring's channels and of the worker's
 *     server
 * @param keepAliveTime idle time after which the transport pings a peer, to detect dead hosts whose TCP
 *     connection never closes (gRPC raises values below 10 s to 10 s; the peer's server must permit
 *     pings that often, which {@link CollectiveTransport#configure} does: otherwise it closes the
 *     connection with {@code too_many_pings}, seen as PeerLost)
 * @param keepAliveTimeout how long a ping may stay unanswered before the peer counts as lost
 */
public record RingOptions(
    int chunkBytes,
    Duration opTimeout,
    Duration stallGrace,
    int sendBufferBytes,
    int framesAhead,
    int flowControlWindowBytes,
    Duration keepAliveTime,
    Duration keepAliveTimeout) {

  public static final int MIN_CHUNK_BYTES = 4 * 1024;
  public static final int MAX_CHUNK_BYTES = 2 * 1024 * 1024;

  public RingOptions {
    if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES || chunkBytes % 4 != 0) {
      throw new IllegalArgumentException(
          "chunkBytes " + chunkBytes + " must be a multiple of 4 between " + MIN_CHUNK_BYTES + " and "
              + MAX_CHUNK_BYTES + " (frames must stay well below gRPC's 4 MiB message limit)");
    }
    requirePositive(opTimeout, "opTimeout");
    Objects.requireNonNull(stallGrace, "stallGrace");
    if (stallGrace.isNegative()) {
      throw new IllegalArgumentException("stallGrace " + stallGrace + " is negative");
    }
    if (sendBufferBytes < chunkBytes) {
      throw new IllegalArgumentException(
          "sendBufferBytes " + sendBufferBytes + " is smaller than chunkBytes " + chunkBytes
              + ": the sender could never queue a whole frame");
    }
    if (framesAhead < 1 || framesAhead > 64) {
      throw new IllegalArgumentException("framesAhead " + framesAhead + " must be in 1..64");
    }
    if (flowControlWindowBytes < 64 * 1024) {
      throw new IllegalArgumentException(
          "flowControlWindowBytes " + flowControlWindowBytes + " is below 64 KiB (HTTP/2 default)");
    }
    requirePositive(keepAliveTime, "keepAliveTime");
    requirePositive(keepAliveTimeout, "keepAliveTimeout");
  }

  /**
   * Defaults measured on loopback with 2 cores (see bench/allreduce.sh): 512 KiB frames, 8 MiB window,
   * 2 min op timeout, keep-alive ping after 10 s idle, lost after 10 s without answer.
   */
  public static RingOptions defaults() {
    return new RingOptions(
        512 * 1024,
        Duration.ofMinutes(2),
        Duration.ofSeconds(5),
        2 * 1024 * 1024,
        4,
        8 * 1024 * 1024,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  public RingOptions withChunkBytes(int value) {
    return new RingOptions(value, opTimeout, stallGrace, Math.max(sendBufferBytes, value), framesAhead,
        flowControlWindowBytes, keepAliveTime, keepAliveTimeout);
  }

  public RingOptions withOpTimeout(Duration value) {
    return new RingOptions(chunkBytes, value, stallGrace, sendBufferBytes, framesAhead,
        flowControlWindowBytes, keepAliveTime, keepAliveTimeout);
  }

  public RingOptions withStallGrace(Duration value) {
    return new RingOptions(chunkBytes, opTimeout, value, sendBufferBytes, framesAhead,
        flowControlWindowBytes, keepAliveTime, keepAliveTimeout);
  }

  public RingOptions withSendBufferBytes(int value) {
    return new RingOptions(chunkBytes, opTimeout, stallGrace, value, framesAhead,
        flowControlWindowBytes, keepAliveTime, keepAliveTimeout);
  }

  public RingOptions withFramesAhead(int value) {
    return new RingOptions(chunkBytes, opTimeout, stallGrace, sendBufferBytes, value,
        flowControlWindowBytes, keepAliveTime, keepAliveTimeout);
  }

  public RingOptions withFlowControlWindowBytes(int value) {
    return new RingOptions(chunkBytes, opTimeout, stallGrace, sendBufferBytes, framesAhead, value,
        keepAliveTime, keepAliveTimeout);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " " + d + " must be positive");
    }
  }
}
