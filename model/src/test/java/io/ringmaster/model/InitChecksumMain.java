package io.ringmaster.model;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Run in a child JVM by {@link ModelFactoryTest}: prints the checksum of a freshly built MLP. */
public final class InitChecksumMain {
  private InitChecksumMain() {}

  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    DatasetInfo info = new DatasetInfo(60_000, 1, 28, 28, 10);
    System.out.println("checksum " + checksum(ModelFactory.build(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3),
        seed, info)));
  }

  /** CRC32 of the network's parameters as little-endian float32 bytes. */
  static long checksum(MultiLayerNetwork net) {
    float[] params = net.params().toFloatVector();
    ByteBuffer bytes = ByteBuffer.allocate(4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(params);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }
}
