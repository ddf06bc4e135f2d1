package io.ringmaster.job.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An installation's defaults for the worker fields a job leaves unset: the coordinator's
 * {@code jobDefaults} settings (in a Helm install, the chart's {@code workers.*} values). Applied by
 * {@link JobSpecResolver}, the one place defaults are filled, and only where the job says nothing:
 *
 * <ul>
 *   <li>{@code resources.heapMb / offheapMb / threads} left 0 take these (0 here: the built-in default);
 *   <li>each field of the job's {@code kubernetes} section left empty takes {@link #kubernetes}'s, and for a
 *       job that asks for GPUs, {@link #kubernetes} with {@link #gpuKubernetes} on top (node selector labels
 *       merged, GPU's winning; tolerations and volumes concatenated; names from the GPU section when it
 *       sets them). A job that sets a field keeps exactly its own.
 * </ul>
 *
 * GPUs themselves are never defaulted: {@code resources.gpus} 0 means CPU workers, so a job must ask for
 * GPUs to get them.
 *
 * @param heapMb default {@code resources.heapMb}, 0 for the built-in
 * @param offheapMb default {@code resources.offheapMb}, 0 for the built-in
 * @param threads default {@code resources.threads}, 0 for the built-in
 * @param kubernetes default placement of every job's worker pods
 * @param gpuKubernetes added for jobs that ask for GPUs (GPU node pools' selectors and taints)
 */
public record JobDefaults(int heapMb, int offheapMb, int threads, KubernetesSpec kubernetes,
    KubernetesSpec gpuKubernetes) {

  /** No installation defaults: the built-in ones apply. */
  public static final JobDefaults BUILT_IN = new JobDefaults(0, 0, 0, KubernetesSpec.EMPTY, KubernetesSpec.EMPTY);

  public JobDefaults {
    kubernetes = kubernetes == null ? KubernetesSpec.EMPTY : kubernetes;
    gpuKubernetes = gpuKubernetes == null ? KubernetesSpec.EMPTY : gpuKubernetes;
  }

  /** The placement defaults for a job with {@code gpus} GPUs per worker. */
  public KubernetesSpec placementFor(int gpus) {
    if (gpus <= 0) {
      return kubernetes;
    }
    KubernetesSpec base = kubernetes;
    KubernetesSpec gpu = gpuKubernetes;
    Map<String, String> selector = new LinkedHashMap<>(base.nodeSelector());
    selector.putAll(gpu.nodeSelector());
    List<KubernetesSpec.Toleration> tolerations = new ArrayList<>(base.tolerations());
    tolerations.addAll(gpu.tolerations());
    List<KubernetesSpec.Volume> volumes = new ArrayList<>(base.volumes());
    volumes.addAll(gpu.volumes());
    return new KubernetesSpec(Map.copyOf(selector), List.copyOf(tolerations),
        or(gpu.affinityJson(), base.affinityJson()), or(gpu.priorityClassName(), base.priorityClassName()),
        or(gpu.image(), base.image()), List.copyOf(volumes), or(gpu.schedulerName(), base.schedulerName()),
        or(gpu.queue(), base.queue()));
  }

  private static String or(String first, String second) {
    return first.isEmpty() ? second : first;
  }
}
