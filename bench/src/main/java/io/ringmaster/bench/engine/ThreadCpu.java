package io.ringmaster.bench.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per live Java thread, biggest first: shows what besides the training thread burns CPU
 * (deallocator threads, ND4J services). GC and JIT threads are native and not listed; they are the
 * difference between the process total and the sum shown.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  static String report(int top) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    record Entry(String name, long ns) {}
    List<Entry> entries = new ArrayList<>();
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long ns = mx.getThreadCpuTime(id);
      if (info != null && ns > 0) {
        entries.add(new Entry(info.getThreadName(), ns));
      }
    }
    entries.sort((a, b) -> Long.compare(b.ns, a.ns));
    StringBuilder sb = new StringBuilder("# java threads by cpu:");
    long sum = 0;
    for (int i = 0; i < entries.size(); i++) {
      sum += entries.get(i).ns;
      if (i < top) {
        sb.append(String.format(Locale.ROOT, " %s=%.1fs", entries.get(i).name, entries.get(i).ns / 1e9));
      }
    }
    long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    sb.append(String.format(Locale.ROOT, "; all java threads %.1fs of process %.1fs (rest: GC, JIT, native)",
        sum / 1e9, process / 1e9));
    return sb.toString();
  }
}
