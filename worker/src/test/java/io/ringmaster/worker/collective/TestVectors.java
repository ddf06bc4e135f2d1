package io.ringmaster.worker.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Deterministic per-rank input vectors, their exact sums, and bit-level comparison helpers. */
final class TestVectors {
  private TestVectors() {}

  /** Rank {@code rank}'s input for op {@code op}: values in [-1, 1) plus rare large magnitudes. */
  static FloatBuffer input(int rank, int op, int length, boolean direct) {
    FloatBuffer buf = direct
        ? ByteBuffer.allocateDirect(length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer()
        : FloatBuffer.allocate(length);
    fill(buf, rank, op);
    return buf;
  }

  static void fill(FloatBuffer buf, int rank, int op) {
    SplittableRandom random = new SplittableRandom(1_000_003L * rank + 7919L * op + 17);
    for (int i = 0; i < buf.limit(); i++) {
      float v = (float) (random.nextDouble() * 2 - 1);
      if ((i & 1023) == 5) {
        v *= 1e4f; // a few large values so that summation order would show up in the low bits
      }
      buf.put(i, v);
    }
  }

  /**
   * Element-wise sum of every rank's input computed in double, and the sum of magnitudes that bounds
   * the rounding error of any float32 summation order.
   */
  record Expected(double[] sum, double[] magnitude, int worldSize) {}

  static Expected expectedSum(int worldSize, int op, int length) {
    double[] sum = new double[length];
    double[] magnitude = new double[length];
    FloatBuffer scratch = FloatBuffer.allocate(length);
    for (int r = 0; r < worldSize; r++) {
      fill(scratch, r, op);
      for (int i = 0; i < length; i++) {
        sum[i] += scratch.get(i);
        magnitude[i] += Math.abs(scratch.get(i));
      }
    }
    return new Expected(sum, magnitude, worldSize);
  }

  /**
   * Index of the first element that is not the expected sum within float32 rounding (N-1 additions,
   * each off by at most half an ulp of the running magnitude), or -1.
   */
  static int firstWrongSum(FloatBuffer actual, Expected expected) {
    for (int i = 0; i < expected.sum().length; i++) {
      double tolerance = expected.worldSize() * Math.ulp((float) expected.magnitude()[i]) + 1e-30;
      if (!(Math.abs(actual.get(i) - expected.sum()[i]) <= tolerance)) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first element whose raw bits differ, or -1. */
  static int firstBitDifference(FloatBuffer a, FloatBuffer b) {
    if (a.limit() != b.limit()) {
      return 0;
    }
    for (int i = 0; i < a.limit(); i++) {
      if (Float.floatToRawIntBits(a.get(i)) != Float.floatToRawIntBits(b.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Order-sensitive hash of the raw bits, for comparing results across processes. */
  static long bitsHash(FloatBuffer buf) {
    long h = 1125899906842597L;
    for (int i = 0; i < buf.limit(); i++) {
      h = 31 * h + Float.floatToRawIntBits(buf.get(i));
    }
    return h;
  }
}
