package io.ringmaster.worker.collective;

import java.nio.FloatBuffer;

/**
 * A group of ranks that combine float vectors. One instance per rank per membership generation; a new
 * generation (a re-formed ring) means a new instance. Implementations: the gRPC ring all-reduce now, a
 * parameter server later.
 *
 * <p>Contract for {@link #allReduceSum}: every rank calls it with a buffer of the same length, in the
 * same order of operations; on return every rank's buffer holds the element-wise sum over all ranks,
 * and the result is bit-identical on every rank. If a peer is lost or the ring changes, the call fails
 * with {@link CollectiveException} on every surviving rank within a bounded time instead of hanging.
 */
public interface Collective extends AutoCloseable {
  int rank();

  int worldSize();

  /** Membership generation this instance belongs to. */
  long generation();

  /**
   * Replaces the contents of {@code buffer} (position 0 to limit) with their sum over all ranks.
   * Direct and heap buffers are both accepted; the buffer's position and limit are left unchanged.
   *
   * @throws CollectiveException when a peer is lost, the ring changed or the op timed out
   */
  void allReduceSum(FloatBuffer buffer) throws CollectiveException;

  /**
   * Stall hook: ranks this rank is currently waiting for in the running operation (ranks that have not
   * delivered their part yet, as far as this rank can tell), or an empty array when idle. A stall
   * inspector can poll it on every rank and report the ranks everyone waits for.
   */
  default int[] pendingRanks() {
    return new int[0];
  }

  /** Leaves the group; pending and later calls fail. Idempotent. */
  @Override
  void close();
}
