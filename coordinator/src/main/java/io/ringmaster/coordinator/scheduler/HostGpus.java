package io.ringmaster.coordinator.scheduler;

import java.util.List;

/**
 * The NVIDIA GPUs of the machine the local scheduler starts workers on, as the coordinator may hand them
 * out (after its own {@code CUDA_VISIBLE_DEVICES}). The seam that lets {@link GpuSlots} and the local
 * scheduler's messages be tested without a GPU; {@link NvidiaProcGpus} reads the driver's {@code /proc}
 * files.
 */
@FunctionalInterface
public interface HostGpus {
  /** The GPUs, in device-minor order; empty on a machine without NVIDIA GPUs (or driver). */
  List<HostGpu> list();

  /** Where the list came from, for messages ("/proc/driver/nvidia/gpus"). */
  default String source() {
    return "the NVIDIA driver";
  }

  /** A machine without GPUs. */
  static HostGpus none() {
    return List::of;
  }

  /**
   * One GPU.
   *
   * @param index the driver's device minor number ({@code /dev/nvidia<index>}, nvidia-smi's index)
   * @param name model name, e.g. "NVIDIA A100-SXM4-40GB"
   * @param uuid "GPU-..." ("" when unknown): what {@code CUDA_VISIBLE_DEVICES} names it by, so that CUDA's
   *     own device order does not matter
   */
  record HostGpu(int index, String name, String uuid) {
    /** How {@code CUDA_VISIBLE_DEVICES} names this GPU: its UUID, else its index. */
    public String visibleId() {
      return uuid.isEmpty() ? Integer.toString(index) : uuid;
    }

    /** "0 (NVIDIA A100)". */
    public String describe() {
      return index + (name.isEmpty() ? "" : " (" + name + ")");
    }
  }
}
