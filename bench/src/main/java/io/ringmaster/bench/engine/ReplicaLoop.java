package io.ringmaster.bench.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.worker.engine.Replica;
import io.ringmaster.worker.engine.StepPhases;

/**
 * The Ringmaster step of one worker without a network: computeGradient, then applyGradient (no all-reduce,
 * so the split's all-reduce phase stays empty).
 */
final class ReplicaLoop implements TrainingLoop {
  private final Replica replica;
  private final StepPhases phases;

  ReplicaLoop(Replica replica, StepPhases phases) {
    this.replica = replica;
    this.phases = phases;
    replica.timePhases(phases);
  }

  @Override
  public String name() {
    return "replica";
  }

  @Override
  public void step(int[] indices, int count) {
    phases.startStep();
    replica.computeGradient(indices, count);
    replica.applyGradient(count);
    phases.endStep();
  }

  @Override
  public void startEpoch(int epoch) {
    replica.setEpoch(epoch);
  }

  @Override
  public StepPhases phases() {
    return phases;
  }

  @Override
  public double testAccuracy(Dataset test) {
    return replica.evaluate(test, 0, test.size()).accuracy();
  }
}
