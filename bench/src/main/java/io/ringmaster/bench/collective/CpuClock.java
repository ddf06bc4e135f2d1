package io.ringmaster.bench.collective;

import java.lang.management.ManagementFactory;

/**
 * CPU time this process used (all threads, including GC and JIT), for a load-independent cost figure:
 * wall-clock throughput on a shared 2-core machine depends on what else runs, CPU per byte does not.
 */
final class CpuClock {
  private CpuClock() {}

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
