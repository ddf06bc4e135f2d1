package io.ringmaster.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.nd4j.linalg.activations.Activation;

/** Activation names as users write them ("relu", "tanh", ...), case-insensitive. */
final class Activations {
  private Activations() {}

  static Optional<Activation> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Activation.valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** All accepted names, lower case, for error messages. */
  static String names() {
    return Arrays.stream(Activation.values()).map(a -> a.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }
}
