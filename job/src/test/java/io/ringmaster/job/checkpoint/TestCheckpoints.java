package io.ringmaster.job.checkpoint;

import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.Provenance;
import java.util.SplittableRandom;

/** Checkpoints with random float contents for tests. */
public final class TestCheckpoints {
  private TestCheckpoints() {}

  /** Random floats, including a few special values (NaN payloads, -0, subnormal, infinities). */
  public static float[] floats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    float[] special = {Float.intBitsToFloat(0x7fc01234), -0.0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffa00001)};
    for (int i = 0; i < special.length && i < n; i++) {
      v[(int) ((long) i * n / special.length)] = special[i];
    }
    return v;
  }

  /** A checkpoint of {@code numParams} params and {@code updaterLength} updater floats. */
  public static Checkpoint checkpoint(String jobId, int epoch, long step, int numParams, int updaterLength) {
    return Checkpoint.newBuilder()
        .setJobId(jobId).setEpoch(epoch).setStep(step).setStepsInEpoch(200).setEpochComplete(false)
        .setNumParams(numParams).setParams(FloatBytes.toBytes(floats(numParams, epoch * 1000L + step)))
        .setUpdaterStateLength(updaterLength)
        .setUpdaterState(FloatBytes.toBytes(floats(updaterLength, -epoch * 1000L - step)))
        .setIteration(epoch * 200 + (int) step).setDl4JEpoch(epoch - 1)
        .setTrainLossSum(123.25).setTrainSamples(step * 64).setSeed(42).setWorldSize(3)
        .setCreatedAtMs(1_700_000_000_000L + step).setParamsChecksum(0xdeadbeefL).setSkippedSteps(1)
        .setProvenance(Provenance.newBuilder().setSpecSha256("ab".repeat(32)).setRingmasterVersion("dev")
            .setDl4JVersion("1.0.0-M2.1").addDataFiles(DataFileHash.newBuilder().setPath("/d/train.gz")
                .setSha256("cd".repeat(32)).setSizeBytes(1000)))
        .build();
  }
}
