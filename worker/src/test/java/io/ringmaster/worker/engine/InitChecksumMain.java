package io.ringmaster.worker.engine;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.FloatDataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;

/** Run in a child JVM by {@link ModelFactoryTest}: prints the checksum of a freshly built MLP. */
public final class InitChecksumMain {
  private InitChecksumMain() {}

  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    DatasetInfo info = new DatasetInfo(60_000, 1, 28, 28, 10);
    Replica r = new Replica(ModelFactory.build(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), seed, info),
        new FloatDataset(1, 28, 28, 10, new float[784], new int[] {9}), 1);
    System.out.println("checksum " + r.paramsChecksum());
  }
}
