package io.ringmaster.job.devices;

import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GpuDevice;
import java.util.Locale;
import java.util.stream.Collectors;

/** One line about a worker's {@link ComputeDevices}, e.g. {@code CUDA: 2 GPUs (0: NVIDIA A100, 40.0 GiB; 1: ...)}. */
public final class DeviceSummary {
  private DeviceSummary() {}

  /** "-" for a worker that reported nothing (an older worker). */
  public static String describe(ComputeDevices d) {
    if (d == null || d.equals(ComputeDevices.getDefaultInstance())) {
      return "-";
    }
    StringBuilder b = new StringBuilder(d.getBackend().isEmpty() ? "no backend" : d.getBackend());
    if (d.getGpusCount() > 0) {
      b.append(": ").append(d.getGpusCount()).append(d.getGpusCount() == 1 ? " GPU (" : " GPUs (")
          .append(d.getGpusList().stream().map(DeviceSummary::gpu).collect(Collectors.joining("; "))).append(')');
    } else if ("CUDA".equals(d.getBackend())) {
      b.append(": no GPU");
    }
    if (!d.getNativeBuild().isEmpty()) {
      b.append(", build ").append(d.getNativeBuild());
    }
    if (!d.getCudaVisibleDevices().isEmpty()) {
      b.append(", CUDA_VISIBLE_DEVICES=").append(d.getCudaVisibleDevices());
    }
    if (!d.getProblem().isEmpty()) {
      b.append(" [").append(d.getProblem()).append(']');
    }
    return b.toString();
  }

  /** "0: Tesla T4, 15.0 GiB" (memory left out when unknown). */
  public static String gpu(GpuDevice g) {
    return g.getIndex() + ": " + (g.getName().isEmpty() ? "unnamed GPU" : g.getName())
        + (g.getTotalMemoryBytes() > 0 ? ", " + gib(g.getTotalMemoryBytes()) : "");
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
