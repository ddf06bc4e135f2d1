package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Replica#state()} / {@link Replica#setState} hand over training exactly: the receiving replica
 * continues bit-identically to the sender, whatever its seed, with stateful updaters and across epochs.
 */
class ReplicaContinuationTest {
  static final int BATCH = 64;

  static Stream<UpdaterSpec> updaters() {
    return Stream.of(UpdaterSpec.adam(1e-3), new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01, 0.9),
        new UpdaterSpec(UpdaterSpec.Type.SGD, 0.05, 0));
  }

  static Replica replica(UpdaterSpec updater, long seed) {
    return Replica.create(ModelSpec.Builtin.mlp(), updater, seed, FashionData.train(), BATCH);
  }

  /** Step {@code s} of the test schedule: a distinct batch, with a short batch now and then. */
  static void step(Replica r, int s) {
    int n = s % 4 == 3 ? 17 : BATCH;
    r.computeGradient(FashionData.range(s * BATCH, n), n);
    r.applyGradient(n);
  }

  static void assertSame(Replica actual, Replica expected, String when) {
    assertThat(actual.paramsChecksum()).as("params checksum " + when).isEqualTo(expected.paramsChecksum());
    FloatArrays.assertBitIdentical(actual.paramsCopy(), expected.paramsCopy());
    FloatArrays.assertBitIdentical(actual.updaterStateCopy(), expected.updaterStateCopy());
    assertThat(actual.iteration()).as("iteration " + when).isEqualTo(expected.iteration());
    assertThat(actual.epoch()).as("epoch " + when).isEqualTo(expected.epoch());
  }

  /** A trains 5 steps over two epochs; B takes its state; both train 6 more steps across another epoch. */
  static void handOverAndContinue(UpdaterSpec updater, long seedA, long seedB) {
    Replica a = replica(updater, seedA);
    Replica b = replica(updater, seedB);
    int s = 0;
    for (; s < 3; s++) {
      step(a, s);
    }
    a.setEpoch(1);
    for (; s < 5; s++) {
      step(a, s);
    }
    assertThat(b.paramsChecksum()).isNotEqualTo(a.paramsChecksum());

    b.setState(a.state());
    assertSame(b, a, "right after setState");

    for (; s < 8; s++) {
      step(a, s);
      step(b, s);
      assertThat(b.paramsChecksum()).as("checksum after step %d", s).isEqualTo(a.paramsChecksum());
    }
    a.setEpoch(2);
    b.setEpoch(2);
    for (; s < 11; s++) {
      step(a, s);
      step(b, s);
      assertThat(b.paramsChecksum()).as("checksum after step %d", s).isEqualTo(a.paramsChecksum());
    }
    assertSame(b, a, "after 6 more steps");
    assertThat(b.iteration()).isEqualTo(11);
    assertThat(b.epoch()).isEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("updaters")
  void replicaOfTheSameSeedContinuesBitIdentically(UpdaterSpec updater) {
    handOverAndContinue(updater, 21, 21);
  }

  @ParameterizedTest
  @MethodSource("updaters")
  void replicaOfAnotherSeedBecomesIdenticalAndContinuesBitIdentically(UpdaterSpec updater) {
    handOverAndContinue(updater, 21, 99);
  }

  @Test
  void stateAndSetStateBetweenStepsChangeNothingAndLeakNoWorkspaceMemory() {
    UpdaterSpec adam = UpdaterSpec.adam(1e-3);
    Replica touched = replica(adam, 5);
    Replica control = replica(adam, 5);
    for (int s = 0; s < 3; s++) {
      step(touched, s);
      step(control, s);
    }
    Map<String, Long> warm = workspaceSizes();

    for (int s = 3; s < 13; s++) {
      ReplicaState before = touched.state();
      touched.setState(before);
      touched.setState(touched.state());
      assertThat(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread()).as("a workspace left open").isFalse();
      step(touched, s);
      step(control, s);
      assertThat(touched.paramsChecksum()).as("checksum after step %d", s).isEqualTo(control.paramsChecksum());
    }

    assertSame(touched, control, "after 10 steps with state round trips");
    assertThat(workspaceSizes()).as("workspaces of this thread and their sizes").isEqualTo(warm);
  }

  @Test
  void stateIsACopyThatLaterStepsDoNotChange() {
    Replica a = replica(UpdaterSpec.adam(1e-3), 5);
    step(a, 0);
    ReplicaState state = a.state();
    float[] params = state.params().clone();
    float[] moments = state.updaterState().clone();

    step(a, 1);

    FloatArrays.assertBitIdentical(state.params(), params);
    FloatArrays.assertBitIdentical(state.updaterState(), moments);
    assertThat(a.paramsCopy()).isNotEqualTo(params);
  }

  private static Map<String, Long> workspaceSizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
      sizes.put(ws.getId(), ws.getCurrentSize());
    }
    return sizes;
  }
}
