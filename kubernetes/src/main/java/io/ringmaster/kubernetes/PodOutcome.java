package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a worker pod's status means for its job, in plain words. A pod is in one of these:
 *
 * <ul>
 *   <li><b>ended</b> ({@link #ended}): the worker will never run (again): the pod Failed (the container
 *       exited non-zero, was OOM-killed, or the pod was evicted), Succeeded (the worker exited 0), or its
 *       image cannot be pulled or its container cannot be created (these wait for ever otherwise, so they
 *       count as ended);
 *   <li><b>unschedulable</b> ({@link #unschedulable}): Pending, and the scheduler says no node can take it;
 *   <li><b>running</b> ({@link #running}): the worker's container runs;
 *   <li>otherwise pending (being scheduled, pulling, starting).
 * </ul>
 */
final class PodOutcome {
  /** Container waiting reasons after which the worker never starts without a change to the pod or image. */
  private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  /**
   * Why a pod ended.
   *
   * @param exitCode the container's exit code, or -1 when it never ran or is unknown
   * @param cause plain words: "pod X was OOM-killed (memory limit 3584Mi)", ...
   */
  record Ended(int exitCode, String cause) {}

  private PodOutcome() {}

  static Optional<Ended> ended(Pod pod) {
    String name = pod.getMetadata().getName();
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    String phase = pod.getStatus().getPhase();
    ContainerStatus c = container(pod);
    ContainerStateWaiting waiting = c == null || c.getState() == null ? null : c.getState().getWaiting();
    if (waiting != null && STUCK.contains(waiting.getReason())) {
      String image = c.getImage() != null ? c.getImage() : image(pod);
      String what = waiting.getReason().contains("Image") ? "cannot pull its image " + image
          : "cannot start its container";
      return Optional.of(new Ended(-1, "pod " + name + " " + what + " (" + waiting.getReason()
          + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()) + ")"));
    }
    if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
      ContainerStateTerminated t = c == null || c.getState() == null ? null : c.getState().getTerminated();
      if ("Evicted".equals(pod.getStatus().getReason())) {
        return Optional.of(new Ended(t != null && t.getExitCode() != null ? t.getExitCode() : -1,
            "pod " + name + " was evicted by the kubelet: " + nz(pod.getStatus().getMessage(), "no message")));
      }
      if (t == null) {
        return Optional.of(new Ended(-1, "pod " + name + " " + phase.toLowerCase(java.util.Locale.ROOT)
            + (pod.getStatus().getReason() == null ? "" : " (" + pod.getStatus().getReason() + ": "
            + nz(pod.getStatus().getMessage(), "") + ")")));
      }
      int code = t.getExitCode() == null ? -1 : t.getExitCode();
      if ("OOMKilled".equals(t.getReason())) {
        return Optional.of(new Ended(code, "pod " + name + " was OOM-killed: the worker used more than its memory"
            + " limit " + memoryLimit(pod) + " (raise spec.resources.heapMb / offheapMb, or lower the batch size)"));
      }
      return Optional.of(new Ended(code, "pod " + name + ": worker exited with code " + code
          + (t.getReason() == null ? "" : " (" + t.getReason() + ")")
          + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip())));
    }
    return Optional.empty();
  }

  /** The scheduler's message when the pod is Pending because no node can take it. */
  static Optional<String> unschedulable(Pod pod) {
    if (pod.getStatus() == null || !"Pending".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    List<PodCondition> conditions = pod.getStatus().getConditions();
    if (conditions == null) {
      return Optional.empty();
    }
    for (PodCondition c : conditions) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())) {
        return Optional.of(nz(c.getMessage(), "no node can take it"));
      }
    }
    return Optional.empty();
  }

  static boolean running(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
  }

  static boolean terminal(Pod pod) {
    return pod.getStatus() != null
        && ("Failed".equals(pod.getStatus().getPhase()) || "Succeeded".equals(pod.getStatus().getPhase()));
  }

  private static ContainerStatus container(Pod pod) {
    List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
    if (all == null) {
      return null;
    }
    return all.stream().filter(c -> WorkerPods.CONTAINER.equals(c.getName())).findFirst()
        .orElse(all.isEmpty() ? null : all.get(0));
  }

  private static String image(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getContainers().isEmpty() ? "?"
        : pod.getSpec().getContainers().get(0).getImage();
  }

  private static String memoryLimit(Pod pod) {
    try {
      return pod.getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString();
    } catch (RuntimeException e) {
      return "(unknown)";
    }
  }

  private static String nz(String s, String otherwise) {
    return s == null || s.isBlank() ? otherwise : s;
  }
}
