package io.ringmaster.bench.engine;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Samples/s over windows of steps, with what else the JVM did meanwhile: process and main-thread CPU
 * time (a busy machine shows as cpu/wall &lt; 1 for the main thread), GC count and pause time, live
 * JavaCPP deallocators and resident memory.
 */
final class RateMeter {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final String label;
  private Snapshot start;

  /** Counters at one instant. */
  private record Snapshot(long wallNs, long processCpuNs, long mainCpuNs, long gcCount, long gcMs, long steps,
      long samples) {}

  RateMeter(String label) {
    this.label = label;
    this.start = snapshot(0, 0);
  }

  /** A window's figures. */
  record Window(String label, String name, long steps, long samples, double seconds, double processCpu,
      double mainCpu, long gcCount, long gcMs, long deallocators, long rssMb) {
    double samplesPerSecond() {
      return samples / seconds;
    }

    /** Samples per second of main-thread CPU: what the loop would do on an otherwise idle core. */
    double samplesPerMainCpuSecond() {
      return samples / mainCpu;
    }

    /** Samples per second of CPU used by the whole process (GC and deallocator threads included). */
    double samplesPerProcessCpuSecond() {
      return samples / processCpu;
    }

    String format() {
      return String.format(Locale.ROOT,
          "%-9s %-15s %5d steps %6.0f samples/s %6.0f per main-cpu-s %6.0f per process-cpu-s  main cpu/wall %.2f"
              + "  process cpu/wall %.2f  gc %3d (%5d ms)  deallocators %7d  rss %5d MB",
          label, name, steps, samplesPerSecond(), samplesPerMainCpuSecond(), samplesPerProcessCpuSecond(),
          mainCpu / seconds,
          processCpu / seconds, gcCount, gcMs, deallocators, rssMb);
    }
  }

  /** Closes the current window (steps and samples are totals so far) and starts the next. */
  Window window(String name, long totalSteps, long totalSamples) {
    Snapshot now = snapshot(totalSteps, totalSamples);
    Window w = new Window(label, name, now.steps - start.steps, now.samples - start.samples,
        (now.wallNs - start.wallNs) / 1e9, (now.processCpuNs - start.processCpuNs) / 1e9,
        (now.mainCpuNs - start.mainCpuNs) / 1e9, now.gcCount - start.gcCount, now.gcMs - start.gcMs,
        Pointer.totalCount(), Pointer.physicalBytes() >> 20);
    start = now;
    return w;
  }

  /** Starts the next window now, leaving out what happened since the last one (e.g. an evaluation). */
  void restart(long totalSteps, long totalSamples) {
    start = snapshot(totalSteps, totalSamples);
  }

  private Snapshot snapshot(long steps, long samples) {
    long count = 0;
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      ms += Math.max(0, gc.getCollectionTime());
    }
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), threads.getCurrentThreadCpuTime(), count, ms,
        steps, samples);
  }
}
