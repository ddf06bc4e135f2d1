package io.ringmaster.job.testing;

import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.job.checkpoint.FloatBytes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Checkpoints with random contents (a NaN with a payload and a -0.0 among them), and file damage, for tests. */
public final class SampleCheckpoints {
  private SampleCheckpoints() {}

  public static float[] floats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    if (n > 2) {
      v[1] = Float.intBitsToFloat(0x7fc00bad); // a NaN with a payload must survive bit-exactly
      v[2] = -0.0f;
    }
    return v;
  }

  /** A checkpoint with {@code numParams} params and twice as many updater floats (Adam's two moments). */
  public static Checkpoint of(String jobId, int epoch, long step, int numParams) {
    return Checkpoint.newBuilder()
        .setJobId(jobId).setEpoch(epoch).setStep(step).setStepsInEpoch(500).setEpochComplete(step == 500)
        .setNumParams(numParams).setParams(FloatBytes.toBytes(floats(numParams, 31L * epoch + step)))
        .setUpdaterStateLength(2L * numParams)
        .setUpdaterState(FloatBytes.toBytes(floats(2 * numParams, -31L * epoch - step)))
        .setIteration(epoch * 500 + (int) step).setDl4JEpoch(epoch - 1).setTrainLossSum(17.5)
        .setTrainSamples(step * 128).setSeed(42).setWorldSize(2).setCreatedAtMs(1_700_000_000_000L + step)
        .setParamsChecksum(12345).setProvenance(Provenance.newBuilder().setSpecSha256("00".repeat(32))
            .setRingmasterVersion("dev").setDl4JVersion("1.0.0-M2.1"))
        .build();
  }

  /** About 5 MB: 436,907 params and 873,814 updater floats (5,242,884 bytes of floats). */
  public static Checkpoint fiveMegabytes(String jobId, int epoch, long step) {
    return of(jobId, epoch, step, 436_907);
  }

  /** Flips every bit of the byte at {@code offset} (negative: from the end). */
  public static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = offset >= 0 ? offset : f.length() + offset;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(~b & 0xff);
    }
  }
}
