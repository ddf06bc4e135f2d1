package io.ringmaster.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.worker.engine.StepPhases.Phase;
import org.junit.jupiter.api.Test;

/** The split's accounting on a fake clock, and where a replica's step puts its boundaries. */
class StepPhasesTest {

  /** A clock the test moves by hand: wall and the training thread's CPU advance separately. */
  static final class FakeClock implements StepPhases.Clock {
    long wall;
    long cpu;

    void run(long nanos) {
      wall += nanos;
      cpu += nanos;
    }

    void waitFor(long nanos) {
      wall += nanos;
    }

    @Override
    public long wallNanos() {
      return wall;
    }

    @Override
    public long threadCpuNanos() {
      return cpu;
    }
  }

  /** Every read advances both clocks by one tick: a phase's tick count is how often it was marked. */
  static final class TickingClock implements StepPhases.Clock {
    long ticks;

    @Override
    public long wallNanos() {
      return ++ticks;
    }

    @Override
    public long threadCpuNanos() {
      return ticks;
    }
  }

  @Test
  void eachIntervalGoesToThePhaseThatEndsItAndThePhasesAddUpToTheStep() {
    FakeClock clock = new FakeClock();
    StepPhases split = StepPhases.timing(clock);
    for (int step = 0; step < 2; step++) {
      split.startStep();
      clock.run(1_000_000);
      split.end(Phase.DATA);
      clock.run(3_000_000);
      split.end(Phase.FORWARD);
      clock.run(5_000_000);
      split.end(Phase.BACKWARD);
      clock.run(500_000);
      clock.waitFor(4_000_000);
      split.end(Phase.ALLREDUCE);
      clock.run(2_000_000);
      split.end(Phase.UPDATE);
      clock.run(250_000);
      split.endStep();
    }
    StepPhases.Split s = split.take();
    assertThat(s.steps()).isEqualTo(2);
    assertThat(s.wallMsPerStep(Phase.DATA)).isEqualTo(1.0);
    assertThat(s.wallMsPerStep(Phase.FORWARD)).isEqualTo(3.0);
    assertThat(s.wallMsPerStep(Phase.BACKWARD)).isEqualTo(5.0);
    assertThat(s.wallMsPerStep(Phase.ALLREDUCE)).isEqualTo(4.5);
    assertThat(s.cpuMsPerStep(Phase.ALLREDUCE)).isEqualTo(0.5);
    assertThat(s.waitMsPerStep()).isEqualTo(4.0);
    assertThat(s.wallMsPerStep(Phase.UPDATE)).isEqualTo(2.0);
    assertThat(s.wallMsPerStep(Phase.OTHER)).isEqualTo(0.25);
    assertThat(s.wallMsPerStep()).isEqualTo(15.75);
    assertThat(s.cpuMsPerStep()).isEqualTo(11.75);
    assertThat(s.format()).startsWith("steps=2 wall_ms=15.750 cpu_ms=11.750 data_wall_ms=1.000 data_cpu_ms=1.000")
        .contains("allreduce_wall_ms=4.500 allreduce_cpu_ms=0.500").endsWith("wait_ms=4.000");
  }

  @Test
  void timeOutsideAStepIsIgnoredAndTakeStartsAfresh() {
    FakeClock clock = new FakeClock();
    StepPhases split = StepPhases.timing(clock);
    clock.run(7_000_000);
    split.end(Phase.FORWARD); // e.g. an evaluation's forward pass seen by the listener
    split.startStep();
    clock.run(2_000_000);
    split.end(Phase.FORWARD);
    split.endStep();
    clock.run(9_000_000);
    split.end(Phase.UPDATE); // after the step: ignored
    StepPhases.Split first = split.take();
    assertThat(first.steps()).isEqualTo(1);
    assertThat(first.wallMsPerStep(Phase.FORWARD)).isEqualTo(2.0);
    assertThat(first.wallMsPerStep()).isEqualTo(2.0);

    StepPhases.Split empty = split.take();
    assertThat(empty.steps()).isZero();
    assertThat(empty.wallMsPerStep()).isZero();
  }

  @Test
  void aStepCutShortKeepsItsFinishedPhasesButIsNotCounted() {
    FakeClock clock = new FakeClock();
    StepPhases split = StepPhases.timing(clock);
    split.startStep();
    clock.run(1_000_000);
    split.end(Phase.DATA);
    clock.waitFor(50_000_000); // paused in the all-reduce: the exception skips the rest of the step
    split.startStep();
    clock.run(1_000_000);
    split.end(Phase.DATA);
    split.endStep();
    StepPhases.Split s = split.take();
    assertThat(s.steps()).isEqualTo(1);
    assertThat(s.wallNanos()[Phase.DATA.ordinal()]).isEqualTo(2_000_000);
    assertThat(s.wallMsPerStep(Phase.ALLREDUCE)).isZero();
  }

  @Test
  void offRecordsNothing() {
    StepPhases off = StepPhases.off();
    off.startStep();
    off.end(Phase.FORWARD);
    off.endStep();
    assertThat(off.enabled()).isFalse();
    assertThat(off.take().steps()).isZero();
    assertThat(StepPhases.fromEnvironment(null).enabled()).isFalse();
    assertThat(StepPhases.fromEnvironment("0").enabled()).isFalse();
    assertThat(StepPhases.fromEnvironment("1").enabled()).isTrue();
  }

  /**
   * A replica marks data, forward (through DL4J's listener), backward, the end of its gradient work and the
   * update, once each per step; and timing changes nothing in what it computes.
   */
  @Test
  void aReplicaStepMarksEveryPhaseOnceAndTrainsTheSameWithTiming() {
    TickingClock clock = new TickingClock();
    StepPhases split = StepPhases.timing(clock);
    Replica timed = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, FashionData.train(), 64);
    Replica plain = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, FashionData.train(), 64);
    timed.timePhases(split);
    int steps = 3;
    for (int s = 0; s < steps; s++) {
      int[] idx = FashionData.range(s * 64, 64);
      split.startStep();
      timed.computeGradient(idx, 64);
      split.end(Phase.ALLREDUCE);
      timed.applyGradient(64);
      split.endStep();
      plain.computeGradient(idx, 64);
      plain.applyGradient(64);
    }
    timed.evaluate(FashionData.test(), 0, 100); // outside a step: not counted
    StepPhases.Split s = split.take();
    assertThat(s.steps()).isEqualTo(steps);
    for (Phase p : new Phase[] {Phase.DATA, Phase.FORWARD, Phase.BACKWARD, Phase.ALLREDUCE, Phase.UPDATE}) {
      assertThat(s.wallNanos()[p.ordinal()]).as(p.name()).isEqualTo(steps);
    }
    // the end of computeGradient and the end of the step
    assertThat(s.wallNanos()[Phase.OTHER.ordinal()]).isEqualTo(2L * steps);
    FloatArrays.assertBitIdentical(plain.paramsCopy(), timed.paramsCopy());
  }

  /** Plain DL4J fit: the listener marks forward, backward, and (iterationDone) the update and the step's end. */
  @Test
  void aFitStepIsSplitByTheListenerAlone() {
    TickingClock clock = new TickingClock();
    StepPhases split = StepPhases.timing(clock);
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = io.ringmaster.model.ModelFactory.build(
        ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 3, FashionData.train().info());
    net.addListeners(new StepPhaseListener(split, true));
    int steps = 2;
    for (int s = 0; s < steps; s++) {
      int[] idx = FashionData.range(s * 32, 32);
      split.startStep();
      org.nd4j.linalg.dataset.DataSet batch = ReplicaVsFitTest.dataSet(FashionData.train(), idx, 10);
      split.end(Phase.DATA);
      net.fit(batch);
    }
    StepPhases.Split s = split.take();
    assertThat(s.steps()).isEqualTo(steps);
    for (Phase p : new Phase[] {Phase.DATA, Phase.FORWARD, Phase.BACKWARD, Phase.UPDATE, Phase.OTHER}) {
      assertThat(s.wallNanos()[p.ordinal()]).as(p.name()).isEqualTo(steps);
    }
    assertThat(s.wallNanos()[Phase.ALLREDUCE.ordinal()]).isZero();
  }
}
