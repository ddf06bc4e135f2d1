package io.ringmaster.bench.recovery;

import java.util.Arrays;
import java.util.Collection;

/**
 * Median, minimum and maximum of the finite values of a sample (NaN marks a missing value and is left
 * out); {@code n} is how many values counted. All NaN when there is none.
 */
record Stats(int n, double median, double min, double max) {
  static Stats of(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
    }
    int m = v.length / 2;
    double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    return new Stats(v.length, median, v[0], v[v.length - 1]);
  }

  static Stats of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }
}
