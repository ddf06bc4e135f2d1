package io.ringmaster.job.spec;

import java.util.List;
import java.util.Map;

/**
 * Where and how the worker pods of a job run under the Kubernetes scheduler; the local and external
 * schedulers ignore it. Resolved ({@link JobSpecResolver}), nothing is null: absent collections are
 * empty, absent strings are "".
 *
 * @param nodeSelector labels the pod's node must have
 * @param tolerations taints the pods tolerate
 * @param affinityJson the pod's {@code affinity} as JSON ({@code nodeAffinity}, {@code podAffinity},
 *     {@code podAntiAffinity}), "" for none
 * @param priorityClassName the pods' priority class, "" for none
 * @param image the worker image for this job, "" for the coordinator's default (CPU or CUDA by GPUs)
 * @param volumes PersistentVolumeClaims mounted into every worker pod
 * @param schedulerName the Kubernetes scheduler of the pods (e.g. {@code volcano}), "" for the default
 * @param queue a batch scheduler's queue (Kueue label, Volcano annotation), "" for none
 */
public record KubernetesSpec(Map<String, String> nodeSelector, List<Toleration> tolerations, String affinityJson,
    String priorityClassName, String image, List<Volume> volumes, String schedulerName, String queue) {

  /** Nothing set. */
  public static final KubernetesSpec EMPTY = new KubernetesSpec(Map.of(), List.of(), "", "", "", List.of(), "", "");

  /**
   * A taint the pods tolerate.
   *
   * @param operator "Equal" or "Exists" ("" means Equal)
   * @param effect "", "NoSchedule", "PreferNoSchedule" or "NoExecute"
   * @param tolerationSeconds NoExecute only; null for for ever
   */
  public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {}

  /**
   * A PersistentVolumeClaim mounted into every worker pod.
   *
   * @param claimName the claim, in the coordinator's namespace
   * @param mountPath absolute path in the worker container
   */
  public record Volume(String claimName, String mountPath, boolean readOnly) {}
}
