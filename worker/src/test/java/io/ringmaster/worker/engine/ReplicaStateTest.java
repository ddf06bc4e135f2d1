package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting and importing a replica's state (state transfer, checkpoints) continues training exactly. */
class ReplicaStateTest {
  @TempDir Path dir;

  static void step(Replica r, int s) {
    r.computeGradient(FashionData.range(s * 64, 64), 64);
    r.applyGradient(64);
  }

  @Test
  void setStateMakesAnotherReplicaContinueIdentically() {
    Dataset train = FashionData.train();
    Replica a = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1, train, 64);
    Replica b = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 2, train, 64);
    for (int s = 0; s < 3; s++) {
      step(a, s);
    }
    a.setEpoch(4);
    assertThat(b.paramsChecksum()).isNotEqualTo(a.paramsChecksum());

    ReplicaState state = a.state();
    b.setState(state);

    assertThat(b.paramsChecksum()).isEqualTo(a.paramsChecksum());
    assertThat(b.iteration()).isEqualTo(3);
    assertThat(b.epoch()).isEqualTo(4);
    assertThat(state.updaterState()).hasSize((int) (2 * a.numParams())); // Adam: m and v
    step(a, 3);
    step(b, 3);
    FloatArrays.assertBitIdentical(b.paramsCopy(), a.paramsCopy());
    FloatArrays.assertBitIdentical(b.updaterStateCopy(), a.updaterStateCopy());
  }

  @Test
  void setStateRejectsAnotherModel() {
    Dataset train = FashionData.train();
    Replica a = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1, train, 8);
    Replica small = Replica.create(new ModelSpec.Builtin("mlp", java.util.List.of(8), "relu"),
        UpdaterSpec.adam(1e-3), 1, train, 8);
    assertThatThrownBy(() -> small.setState(a.state())).hasMessageContaining("is it the same model?");
    Replica sgd = Replica.create(ModelSpec.Builtin.mlp(), new UpdaterSpec(UpdaterSpec.Type.SGD, 0.1, 0), 1, train, 8);
    assertThat(sgd.updaterStateCopy()).isEmpty();
    assertThatThrownBy(() -> sgd.setState(a.state())).hasMessageContaining("same model and updater?");
  }

  @Test
  void saveAndLoadKeepParametersUpdaterStateAndCounters() throws Exception {
    Dataset train = FashionData.train();
    Replica a = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1, train, 64);
    for (int s = 0; s < 3; s++) {
      step(a, s);
    }
    Path file = dir.resolve("model.zip");
    a.save(file);

    Replica b = new Replica(Replica.load(file), train, 64);

    assertThat(b.paramsChecksum()).isEqualTo(a.paramsChecksum());
    FloatArrays.assertBitIdentical(b.updaterStateCopy(), a.updaterStateCopy());
    assertThat(b.iteration()).isEqualTo(3);
    step(a, 3);
    step(b, 3);
    assertThat(b.paramsChecksum()).isEqualTo(a.paramsChecksum());
  }
}
