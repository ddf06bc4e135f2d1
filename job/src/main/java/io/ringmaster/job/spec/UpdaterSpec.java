package io.ringmaster.job.spec;

import java.util.Locale;
import java.util.Objects;

/**
 * The optimiser every replica applies to the averaged gradient.
 *
 * @param type sgd, nesterov or adam
 * @param learningRate step size, > 0
 * @param momentum nesterov only, in [0, 1); default {@value #DEFAULT_MOMENTUM} (null as given: unset)
 */
public record UpdaterSpec(Type type, double learningRate, Double momentum) {
  public static final double DEFAULT_MOMENTUM = 0.9;

  public enum Type {
    SGD,
    NESTEROV,
    ADAM;

    /** Parses "sgd", "nesterov" or "adam" (any case); null for anything else. */
    public static Type parse(String s) {
      if (s == null) {
        return null;
      }
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public UpdaterSpec {
    Objects.requireNonNull(type, "type");
  }

  /** An updater with its momentum set (the canonical constructor also takes null: unset). */
  public UpdaterSpec(Type type, double learningRate, double momentum) {
    this(type, learningRate, Double.valueOf(momentum));
  }

  public static UpdaterSpec adam(double learningRate) {
    return new UpdaterSpec(Type.ADAM, learningRate, DEFAULT_MOMENTUM);
  }
}
