package io.ringmaster.worker.engine;

import java.util.Objects;

/**
 * Everything that makes two replicas of the same model train identically from here on: parameters,
 * updater state (e.g. Adam's moments) and the counters that schedules and bias corrections read.
 * For state transfer to a joining worker and for checkpoints.
 *
 * @param params flat parameters, in DL4J's order
 * @param updaterState flat updater state, in DL4J's order; empty for stateless updaters (SGD)
 * @param iteration parameter updates applied so far
 * @param epoch current epoch counter of the network
 */
public record ReplicaState(float[] params, float[] updaterState, int iteration, int epoch) {
  public ReplicaState {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(updaterState, "updaterState");
  }
}
