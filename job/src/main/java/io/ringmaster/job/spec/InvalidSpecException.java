package io.ringmaster.job.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A job spec that cannot run. Carries every violation found, each naming its field path. Its
 * {@link #reason()} is stable ({@value #REASON}) so clients can branch on it; gRPC maps it to
 * INVALID_ARGUMENT.
 */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final String REASON = "InvalidSpec";

  private final transient List<Violation> violations;

  public InvalidSpecException(List<Violation> violations) {
    super(format(violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid spec needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  public InvalidSpecException(String field, String message) {
    this(List.of(new Violation(field, message)));
  }

  public String reason() {
    return REASON;
  }

  public List<Violation> violations() {
    return violations;
  }

  private static String format(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
