package io.ringmaster.coordinator.config;

import io.ringmaster.job.spec.Violation;
import java.util.List;
import java.util.stream.Collectors;

/** A coordinator configuration that cannot be used; every violation names its setting's path. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public InvalidConfigException(List<Violation> violations) {
    super("invalid coordinator configuration:\n" + violations.stream().map(Violation::toString)
        .collect(Collectors.joining("\n")));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
