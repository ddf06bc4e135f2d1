package io.ringmaster.model;

import java.lang.management.ManagementFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/** CPU ms of libnd4j's im2col into DL4J's permuted view vs into a contiguous array (LeNet's 2nd conv). */
public final class Im2colLayoutMain {
  private Im2colLayoutMain() {}

  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void main(String[] args) {
    int mb = 128, c = 20, h = 12, k = 5, o = 8;
    INDArray in = Nd4j.rand(DataType.FLOAT, mb, c, h, h);
    INDArray permuted = Nd4j.createUninitialized(DataType.FLOAT, new long[] {mb, o, o, c, k, k}, 'c')
        .permute(0, 3, 4, 5, 1, 2);
    INDArray contiguous = Nd4j.createUninitialized(DataType.FLOAT, new long[] {mb, c, k, k, o, o}, 'c');
    INDArray w = Nd4j.rand(DataType.FLOAT, 50, c * k * k);
    for (int r = 0; r < 4; r++) {
      long t0 = cpu();
      for (int i = 0; i < 5; i++) Convolution.im2col(in, k, k, 1, 1, 0, 0, 1, 1, false, permuted);
      long t1 = cpu();
      for (int i = 0; i < 5; i++) Convolution.im2col(in, k, k, 1, 1, 0, 0, 1, 1, false, contiguous);
      long t2 = cpu();
      INDArray col2d = permuted.permute(0, 4, 5, 1, 2, 3).reshape('c', mb * o * o, c * k * k);
      for (int i = 0; i < 5; i++) w.mmul(col2d.transpose());
      long t3 = cpu();
      System.out.printf("im2col permuted %.1f ms, contiguous %.1f ms, gemm 50x500x8192 %.1f ms (CPU per call)%n",
          (t1 - t0) / 5e6, (t2 - t1) / 5e6, (t3 - t2) / 5e6);
    }
    System.out.println(contiguous.equalsWithEps(permuted, 0));
  }
}
