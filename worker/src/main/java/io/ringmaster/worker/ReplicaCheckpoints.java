package io.ringmaster.worker;

import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.job.checkpoint.FloatBytes;
import io.ringmaster.worker.engine.ReplicaState;

/** Converts a replica's state plus the data cursor to and from a {@link Checkpoint}. */
final class ReplicaCheckpoints {
  private ReplicaCheckpoints() {}

  static Checkpoint checkpoint(ReplicaState s, String jobId, int epoch, long step, long stepsInEpoch,
      double trainLossSum, long trainSamples, long trainLossSamples, long skippedSteps, long seed, int worldSize, long paramsChecksum,
      Provenance provenance, long createdAtMs) {
    return Checkpoint.newBuilder()
        .setJobId(jobId)
        .setEpoch(epoch)
        .setStep(step)
        .setStepsInEpoch(stepsInEpoch)
        .setEpochComplete(step == stepsInEpoch)
        .setNumParams(s.params().length)
        .setParams(FloatBytes.toBytes(s.params()))
        .setUpdaterStateLength(s.updaterState().length)
        .setUpdaterState(FloatBytes.toBytes(s.updaterState()))
        .setIteration(s.iteration())
        .setDl4JEpoch(s.epoch())
        .setTrainLossSum(trainLossSum)
        .setTrainSamples(trainSamples)
        .setTrainLossSamples(trainLossSamples)
        .setSkippedSteps(skippedSteps)
        .setSeed(seed)
        .setWorldSize(worldSize)
        .setCreatedAtMs(createdAtMs)
        .setParamsChecksum(paramsChecksum)
        .setProvenance(provenance)
        .build();
  }

  static ReplicaState state(Checkpoint c) {
    return new ReplicaState(FloatBytes.toFloats(c.getParams()), FloatBytes.toFloats(c.getUpdaterState()),
        c.getIteration(), c.getDl4JEpoch());
  }
}
