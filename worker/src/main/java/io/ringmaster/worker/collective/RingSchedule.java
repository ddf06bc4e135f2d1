package io.ringmaster.worker.collective;

/**
 * The arithmetic of one ring all-reduce for one rank: which segment each step sends and receives,
 * where segments and chunks start, and how many chunks each step has. Pure and immutable.
 *
 * <p>The vector of {@code length} elements is split into N segments, segment s being
 * {@code [s*length/N, (s+1)*length/N)}; a segment is streamed as chunks of at most
 * {@code chunkElements} elements. An empty segment (length < N) still counts as one empty chunk, so
 * every step exchanges at least one frame and a disagreement between ranks is always detected.
 *
 * <p>Step k (0 .. 2(N-1)-1) sends segment {@code (rank - k) mod N} and receives segment
 * {@code (rank - k - 1) mod N}; steps below N-1 are reduce-scatter (received data is added), the rest
 * all-gather (received data overwrites). Because the segment received at step k is the one sent at
 * step k+1, chunk c of step k+1 may be sent as soon as chunk c of step k was received.
 */
final class RingSchedule {
  private final int worldSize;
  private final int rank;
  private final int length;
  private final int chunkElements;

  RingSchedule(int worldSize, int rank, int length, int chunkElements) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize || length < 0 || chunkElements < 1) {
      throw new IllegalArgumentException("bad schedule: worldSize=" + worldSize + " rank=" + rank
          + " length=" + length + " chunkElements=" + chunkElements);
    }
    this.worldSize = worldSize;
    this.rank = rank;
    this.length = length;
    this.chunkElements = chunkElements;
  }

  int length() {
    return length;
  }

  /** 2(N-1). */
  int steps() {
    return 2 * (worldSize - 1);
  }

  boolean isReduceStep(int step) {
    return step < worldSize - 1;
  }

  int sendSegment(int step) {
    return Math.floorMod(rank - step, worldSize);
  }

  int recvSegment(int step) {
    return Math.floorMod(rank - step - 1, worldSize);
  }

  int segmentStart(int segment) {
    return (int) ((long) segment * length / worldSize);
  }

  int segmentLength(int segment) {
    return segmentStart(segment + 1) - segmentStart(segment);
  }

  /** Chunks of a segment, at least 1. */
  int chunks(int segment) {
    int len = segmentLength(segment);
    return len == 0 ? 1 : (len + chunkElements - 1) / chunkElements;
  }

  /** First element of chunk {@code chunk} of {@code segment}. */
  int chunkOffset(int segment, int chunk) {
    return segmentStart(segment) + Math.min(segmentLength(segment), chunk * chunkElements);
  }

  /** Elements of chunk {@code chunk} of {@code segment} (0 for the chunk of an empty segment). */
  int chunkLength(int segment, int chunk) {
    int start = chunk * chunkElements;
    return Math.max(0, Math.min(chunkElements, segmentLength(segment) - start));
  }

  /** Total frames this rank receives (equal to the frames it sends) in one op. */
  int totalFrames() {
    int total = 0;
    for (int k = 0; k < steps(); k++) {
      total += chunks(recvSegment(k));
    }
    return total;
  }
}
