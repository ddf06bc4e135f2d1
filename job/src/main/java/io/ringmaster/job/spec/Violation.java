package io.ringmaster.job.spec;

import java.util.Objects;

/**
 * One thing wrong with a job spec: the field path ({@code spec.data.train.path}) and what is wrong
 * with it, phrased so the user knows what to change.
 */
public record Violation(String field, String message) {
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
