package io.ringmaster.job.data;

import java.nio.FloatBuffer;

/**
 * A labelled dataset held in memory. Features are handed out as {@code float} rows, row-major, one row of
 * {@link #features()} values per sample, in the order the caller asks for; how they are stored is up to
 * the implementation (IDX images stay as bytes and are scaled to [0, 1] per batch).
 *
 * <p>Implementations: {@link ByteImageDataset} (IDX images as bytes) and {@link FloatDataset} (CSV values).
 * Instances are immutable and safe to share between threads.
 */
public sealed interface Dataset permits InMemoryDataset {

  /** Shape and class count. {@code info().samples() == size()}. */
  DatasetInfo info();

  /** Number of samples. */
  default int size() {
    return (int) info().samples();
  }

  /** Values per sample: channels x height x width. */
  default int features() {
    return info().features();
  }

  /** Class id of sample {@code i}, in {@code [0, info().classes())}. */
  int label(int i);

  /**
   * Writes the features of samples {@code indices[0 .. count)} as consecutive rows into {@code dst},
   * starting at {@code dst[offset]}: {@code count * features()} values.
   *
   * @throws IndexOutOfBoundsException if an index is not a sample or {@code dst} is too short
   */
  void gather(int[] indices, int count, float[] dst, int offset);

  /**
   * Same as {@link #gather(int[], int, float[], int)} into a (typically direct) buffer, starting at
   * absolute index {@code offset}; the buffer's position and limit are not changed.
   */
  void gather(int[] indices, int count, FloatBuffer dst, int offset);

  /**
   * Writes the features of the contiguous samples {@code [from, from + count)} into {@code dst} starting
   * at absolute index {@code offset}; position and limit are not changed.
   */
  void gatherRange(int from, int count, FloatBuffer dst, int offset);
}
