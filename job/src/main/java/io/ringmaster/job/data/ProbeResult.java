package io.ringmaster.job.data;

import io.ringmaster.job.spec.Violation;
import java.util.List;

/**
 * Outcome of {@link DataProbe#probe}: the dataset's shape, or what is wrong with its files.
 *
 * @param info the shape when the files are fine, otherwise null
 * @param violations empty when the files are fine
 */
public record ProbeResult(DatasetInfo info, List<Violation> violations) {
  public ProbeResult {
    violations = List.copyOf(violations);
    if ((info == null) == violations.isEmpty()) {
      throw new IllegalArgumentException("a probe result has either an info or violations");
    }
  }

  public static ProbeResult ok(DatasetInfo info) {
    return new ProbeResult(info, List.of());
  }

  public static ProbeResult invalid(List<Violation> violations) {
    return new ProbeResult(null, violations);
  }

  public boolean isOk() {
    return info != null;
  }
}
