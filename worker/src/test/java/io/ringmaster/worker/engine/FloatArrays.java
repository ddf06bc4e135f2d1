package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

/** Linear-time assertions on large float arrays (AssertJ's containsExactly is quadratic). */
final class FloatArrays {
  private FloatArrays() {}

  /** Same length and the same bits in every element. */
  static void assertBitIdentical(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
        throw new AssertionError("element " + i + " of " + actual.length + " differs: " + actual[i] + " vs "
            + expected[i]);
      }
    }
  }

  /** Every element within {@code relTol} of the expected one, relative to max(|expected|, 1e-3). */
  static void assertClose(float[] actual, float[] expected, double relTol) {
    assertThat(actual).hasSameSizeAs(expected);
    double maxRel = 0;
    for (int i = 0; i < actual.length; i++) {
      double scale = Math.max(1e-3, Math.abs(expected[i]));
      maxRel = Math.max(maxRel, Math.abs(actual[i] - expected[i]) / scale);
    }
    System.out.println("max relative difference " + maxRel + " (tolerance " + relTol + ")");
    assertThat(maxRel).as("max relative difference").isLessThan(relTol);
  }
}
