package io.ringmaster.bench.engine;

import io.ringmaster.worker.engine.Replica;

/** The Ringmaster step of one worker without a network: computeGradient, then applyGradient. */
final class ReplicaLoop implements TrainingLoop {
  private final Replica replica;

  ReplicaLoop(Replica replica) {
    this.replica = replica;
  }

  @Override
  public String name() {
    return "replica";
  }

  @Override
  public void step(int[] indices, int count) {
    replica.computeGradient(indices, count);
    replica.applyGradient(count);
  }

  @Override
  public void startEpoch(int epoch) {
    replica.setEpoch(epoch);
  }
}
