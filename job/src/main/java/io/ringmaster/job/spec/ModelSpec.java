package io.ringmaster.job.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** The network to train: a built-in architecture or a DL4J configuration in JSON. */
public sealed interface ModelSpec permits ModelSpec.Builtin, ModelSpec.Dl4jJson {

  /** Built-in architectures. */
  String MLP = "mlp";
  String LENET = "lenet";

  /**
   * A built-in architecture.
   *
   * @param architecture {@value #MLP} or {@value #LENET}
   * @param hidden mlp only: hidden dense layer sizes, input to output (default [256, 128]; null or empty
   *     as given: unset; a null element is a size that could not be read)
   * @param activation mlp only: hidden activation name (default "relu"; null or blank as given: unset)
   */
  record Builtin(String architecture, List<Integer> hidden, String activation) implements ModelSpec {
    public static final List<Integer> DEFAULT_HIDDEN = List.of(256, 128);
    public static final String DEFAULT_ACTIVATION = "relu";

    public Builtin {
      Objects.requireNonNull(architecture, "architecture");
      hidden = hidden == null ? null : Collections.unmodifiableList(new ArrayList<>(hidden));
    }

    /** The default mlp, resolved. */
    public static Builtin mlp() {
      return new Builtin(MLP, DEFAULT_HIDDEN, DEFAULT_ACTIVATION);
    }

    /** LeNet, resolved (hidden and activation hold their defaults, which LeNet does not use). */
    public static Builtin lenet() {
      return new Builtin(LENET, DEFAULT_HIDDEN, DEFAULT_ACTIVATION);
    }
  }

  /** A DL4J {@code MultiLayerConfiguration} serialised with {@code toJson()}. */
  record Dl4jJson(String json) implements ModelSpec {
    public Dl4jJson {
      Objects.requireNonNull(json, "json");
    }
  }
}
