package io.ringmaster.model;

import io.ringmaster.model.ChannelMajorColumns.Geometry;

/** CPU per call of the Java column kernels on LeNet's two convolutions at batch 128 (thread CPU). */
public final class ColumnsSpeedMain {
  private ColumnsSpeedMain() {}

  public static void main(String[] args) {
    Geometry[] layers = {new Geometry(128, 1, 28, 28, 5, 5, 1, 1, 0, 0, 24, 24),
        new Geometry(128, 20, 12, 12, 5, 5, 1, 1, 0, 0, 8, 8)};
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 5; round++) {
      for (Geometry g : layers) {
        float[] in = new float[g.mb() * g.c() * g.h() * g.w()];
        float[] col = new float[g.rows() * g.cols()];
        for (int i = 0; i < in.length; i++) {
          in[i] = i % 7;
        }
        int n = 20;
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          ChannelMajorColumns.im2col(g, in, 0, col, 0);
        }
        long t1 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          ChannelMajorColumns.col2im(g, col, 0, in, 0);
        }
        long t2 = threads.getCurrentThreadCpuTime();
        System.out.printf("c=%d: im2col %.2f ms, col2im %.2f ms (%.2f ns per column entry)%n", g.c(),
            (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, (t2 - t1) / (double) n / col.length);
      }
    }
  }
}
