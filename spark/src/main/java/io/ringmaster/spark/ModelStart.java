package io.ringmaster.spark;

import io.ringmaster.worker.engine.ReplicaState;
import java.io.Serializable;
import java.util.Objects;

/**
 * The model a job continues from instead of the freshly initialised one: the DL4J Spark drop-in ({@link
 * RingmasterTrainingMaster}) trains the driver's network, whose parameters, updater state (Adam's moments)
 * and iteration count every task's worker starts from. Broadcast once with the {@link TaskEndpoint}; every
 * rank gets the same copy, so the replicas start bit-identical.
 *
 * @param params the network's flat parameters, in DL4J's order ({@code MultiLayerNetwork.params()})
 * @param updaterState the updater's flat state view, in DL4J's order; empty for stateless updaters (SGD)
 * @param iteration parameter updates applied so far (Adam's bias correction reads it)
 * @param epoch the network's epoch counter
 */
record ModelStart(float[] params, float[] updaterState, int iteration, int epoch) implements Serializable {
  private static final long serialVersionUID = 1L;

  ModelStart {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(updaterState, "updaterState");
  }

  ReplicaState toReplicaState() {
    return new ReplicaState(params, updaterState, iteration, epoch);
  }
}
