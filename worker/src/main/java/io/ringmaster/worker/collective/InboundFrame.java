package io.ringmaster.worker.collective;

import io.ringmaster.proto.v1.RingFrame;
import java.io.Closeable;
import java.io.IOException;

/**
 * A received {@link RingFrame} whose {@code data} may alias the transport's receive buffers. Those
 * buffers stay valid until {@link #release()}, which must be called exactly once after the frame was
 * processed (or dropped).
 */
final class InboundFrame {
  private final RingFrame frame;
  private Closeable buffers;

  InboundFrame(RingFrame frame, Closeable buffers) {
    this.frame = frame;
    this.buffers = buffers;
  }

  RingFrame frame() {
    return frame;
  }

  /** Returns the aliased receive buffers to the transport. Idempotent. */
  void release() {
    Closeable b = buffers;
    buffers = null;
    if (b != null) {
      try {
        b.close();
      } catch (IOException e) {
        // closing gRPC's buffer stream does not fail; nothing to recover
      }
    }
  }
}
