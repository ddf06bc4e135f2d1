package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.job.spec.Violation;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Builds the network of a job from its {@link ModelSpec}, {@link UpdaterSpec}, seed and the shape of the
 * training data. Deterministic: the same inputs give bit-identical initial parameters in every JVM (with
 * the same ND4J build), which is what lets every worker start from the same replica without shipping
 * parameters.
 *
 * <p>Built-ins: {@code mlp} (dense layers of {@code hidden} sizes, {@code activation}, softmax/MCXENT
 * output, XAVIER init) and {@code lenet}. {@code dl4jJson}: a {@code MultiLayerConfiguration} in JSON whose
 * updater and seed are replaced by the job's.
 *
 * <p>The {@link ModelSpec} is the resolved one (built-ins carry their hidden sizes and activation; see
 * {@code JobSpecResolver}).
 */
public final class ModelFactory {
  private ModelFactory() {}

  /**
   * Everything that keeps the model from training on data of this shape: unknown architecture or
   * activation, JSON that does not parse or whose input size or class count does not fit the data,
   * layers exact gradient averaging cannot support. Empty when the model is fine. Never throws.
   */
  public static List<Violation> validate(ModelSpec model, DatasetInfo train) {
    Objects.requireNonNull(train, "train");
    if (model == null) {
      return List.of(new Violation("spec.model", "missing: give model.architecture (mlp or lenet) or model.dl4jJson"));
    }
    if (model instanceof ModelSpec.Builtin b) {
      return BuiltinModels.validate(b, train);
    }
    // the updater does not matter for validation
    return JsonModels.validate(((ModelSpec.Dl4jJson) model).json(), Updaters.of(UpdaterSpec.adam(1e-3)), train);
  }

  /**
   * How many parameters the model has on training data of this shape, counted from its configuration
   * without allocating anything (so that an absurd model is refused before {@link #validate} builds it).
   * -1 when the model cannot be configured at all ({@link #validate} says why).
   */
  public static long parameterCount(ModelSpec model, DatasetInfo train) {
    MultiLayerConfiguration conf;
    try {
      if (model instanceof ModelSpec.Builtin b) {
        if (!BuiltinModels.validate(b, train).isEmpty()) {
          return -1;
        }
        conf = BuiltinModels.configuration(b, Updaters.of(UpdaterSpec.adam(1e-3)), 0, train);
      } else if (model instanceof ModelSpec.Dl4jJson j) {
        conf = JsonModels.parse(j.json());
      } else {
        return -1;
      }
      long n = 0;
      for (org.deeplearning4j.nn.conf.NeuralNetConfiguration c : conf.getConfs()) {
        n = Math.addExact(n, c.getLayer().initializer().numParams(c));
      }
      return n;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * The network configuration, with the job's updater and seed.
   *
   * @throws InvalidSpecException if {@link #validate} finds violations
   */
  public static MultiLayerConfiguration configuration(ModelSpec model, UpdaterSpec updater, long seed,
      DatasetInfo train) {
    Objects.requireNonNull(updater, "updater");
    List<Violation> v = validate(model, train);
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    IUpdater u = Updaters.of(updater);
    if (model instanceof ModelSpec.Builtin b) {
      return BuiltinModels.configuration(b, u, seed, train);
    }
    return JsonModels.applyJobSettings(JsonModels.parse(((ModelSpec.Dl4jJson) model).json()), u, seed);
  }

  /**
   * A new, initialised network: the initial replica every worker builds identically.
   *
   * @throws InvalidSpecException if {@link #validate} finds violations
   */
  public static MultiLayerNetwork build(ModelSpec model, UpdaterSpec updater, long seed, DatasetInfo train) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(model, updater, seed, train));
    net.init();
    Conv2dOps.install(net);
    return net;
  }
}
