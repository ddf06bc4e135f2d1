package io.ringmaster.coordinator.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of the machine's GPUs each locally launched worker holds: a worker that asks for n GPUs gets n
 * free ones (lowest index first) for its process's {@code CUDA_VISIBLE_DEVICES}, so one worker process
 * runs per GPU; they are free again when the process ends or its job stops. A launch takes all its
 * workers' GPUs or none. Thread-safe.
 */
public final class GpuSlots {
  /** Too few free GPUs; the message says what the machine has and who holds it. */
  public static final class ShortageException extends Exception {
    private static final long serialVersionUID = 1L;

    ShortageException(String message) {
      super(message);
    }
  }

  private record Holder(String jobId, int slot) {}

  private final HostGpus gpus;
  /** GPU index -> who holds it. */
  private final Map<Integer, Holder> held = new LinkedHashMap<>();

  public GpuSlots(HostGpus gpus) {
    this.gpus = gpus;
  }

  /**
   * Gives slots {@code firstSlot .. firstSlot+count-1} of the job {@code perWorker} GPUs each.
   *
   * @return per slot (in order), the GPUs it holds
   * @throws ShortageException when the free GPUs cannot serve every slot (nothing is taken then)
   */
  public synchronized List<List<HostGpus.HostGpu>> take(String jobId, int firstSlot, int count, int perWorker)
      throws ShortageException {
    List<HostGpus.HostGpu> all = gpus.list();
    String asked = "the job asks for " + perWorker + " GPU(s) per worker (spec.resources.gpus = " + perWorker
        + ") for " + count + " worker(s)";
    if (all.isEmpty()) {
      throw new ShortageException(asked + " but this machine shows the coordinator no NVIDIA GPU (read from "
          + gpus.source() + "); run GPU jobs on a machine with NVIDIA GPUs and driver, or on Kubernetes"
          + " (--scheduler kubernetes), or set spec.resources.gpus to 0");
    }
    held.keySet().retainAll(all.stream().map(HostGpus.HostGpu::index).collect(Collectors.toSet()));
    List<HostGpus.HostGpu> free = new ArrayList<>(all.stream().filter(g -> !held.containsKey(g.index())).toList());
    if (free.size() < (long) perWorker * count) {
      String machine = all.size() + " GPU(s): " + all.stream().map(HostGpus.HostGpu::describe)
          .collect(Collectors.joining(", "));
      String busy = held.isEmpty() ? "" : "; held: " + held.entrySet().stream()
          .map(e -> e.getKey() + " by job " + e.getValue().jobId() + " worker " + e.getValue().slot())
          .collect(Collectors.joining(", "));
      throw new ShortageException(asked + " but this machine has " + machine + ", " + free.size() + " free" + busy
          + "; ask for fewer workers or GPUs, or wait for the other jobs to finish");
    }
    List<List<HostGpus.HostGpu>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<HostGpus.HostGpu> mine = new ArrayList<>(free.subList(0, perWorker));
      free.subList(0, perWorker).clear();
      for (HostGpus.HostGpu g : mine) {
        held.put(g.index(), new Holder(jobId, firstSlot + i));
      }
      out.add(mine);
    }
    return out;
  }

  /** The GPUs of one worker are free again (its process ended). */
  public synchronized void release(String jobId, int slot) {
    held.values().removeIf(h -> h.jobId().equals(jobId) && h.slot() == slot);
  }

  /** Every GPU of the job is free again (it stopped). */
  public synchronized void release(String jobId) {
    held.values().removeIf(h -> h.jobId().equals(jobId));
  }

  /** Indices of the GPUs held now (for tests and logs). */
  public synchronized Set<Integer> held() {
    return Set.copyOf(held.keySet());
  }

  /** {@code CUDA_VISIBLE_DEVICES} for a worker holding {@code gpus}. */
  public static String visibleDevices(List<HostGpus.HostGpu> gpus) {
    return gpus.stream().map(HostGpus.HostGpu::visibleId).collect(Collectors.joining(","));
  }
}
