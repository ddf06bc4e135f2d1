package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a job's gang of worker pods fits the cluster now, decided before anything is created.
 *
 * <p>Each schedulable node (not cordoned, with the labels of the job's nodeSelector) offers its
 * allocatable cpu, memory and {@code nvidia.com/gpu} minus the requests of the non-terminated pods bound
 * to it. Pods of this coordinator that are not bound yet (another gang being placed) are reservations:
 * they are placed first. Then the job's pods, all alike, are placed node by node; the gang fits when every
 * one of them finds room. Taints and affinity are not modelled: the gang timeout covers what this check
 * lets through.
 */
final class ClusterCapacity {
  static final List<String> RESOURCES = List.of("cpu", "memory", WorkerPods.GPU);

  private ClusterCapacity() {}

  /**
   * Empty when {@code count} pods each requesting {@code perPod} fit; else why not, in plain words.
   *
   * @param pods every pod the coordinator can see (any namespace it may list)
   */
  static Optional<String> whyNot(List<Node> nodes, List<Pod> pods, Map<String, Double> perPod, int count,
      Map<String, String> nodeSelector) {
    Map<String, Map<String, Double>> free = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
        continue;
      }
      Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
      if (!nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
        continue;
      }
      Map<String, Double> f = new LinkedHashMap<>();
      Map<String, Quantity> alloc = n.getStatus() == null || n.getStatus().getAllocatable() == null ? Map.of()
          : n.getStatus().getAllocatable();
      for (String r : RESOURCES) {
        f.put(r, alloc.containsKey(r) ? amount(alloc.get(r)) : 0.0);
      }
      free.put(n.getMetadata().getName(), f);
    }
    List<Map<String, Double>> reservations = new ArrayList<>();
    for (Pod p : pods) {
      if (PodOutcome.terminal(p) || p.getSpec() == null) {
        continue;
      }
      String node = p.getSpec().getNodeName();
      if (node != null && !node.isEmpty()) {
        Map<String, Double> f = free.get(node);
        if (f != null) {
          requests(p).forEach((r, v) -> f.merge(r, -v, Double::sum));
        }
      } else if (isOurs(p)) {
        reservations.add(requests(p));
      }
    }
    for (Map<String, Double> r : reservations) {
      place(free, r);
    }
    int placed = 0;
    while (placed < count && place(free, perPod)) {
      placed++;
    }
    if (placed == count) {
      return Optional.empty();
    }
    double freeGpus = free.values().stream().mapToDouble(f -> Math.max(0, f.get(WorkerPods.GPU))).sum();
    return Optional.of("the cluster has room for " + placed + " of the job's " + count + " worker pod(s) now"
        + " (each asks for " + describe(perPod) + "; " + free.size() + " schedulable node(s)"
        + (nodeSelector.isEmpty() ? "" : " matching nodeSelector " + nodeSelector)
        + (perPod.getOrDefault(WorkerPods.GPU, 0.0) > 0 ? " with " + (long) freeGpus + " free GPU(s)" : "")
        + (reservations.isEmpty() ? "" : ", " + reservations.size() + " pod(s) of other jobs still being placed")
        + ")");
  }

  /** Total requests of a pod's containers, by resource. */
  static Map<String, Double> requests(Pod p) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String r : RESOURCES) {
      out.put(r, 0.0);
    }
    for (Container c : p.getSpec().getContainers()) {
      if (c.getResources() == null) {
        continue;
      }
      Map<String, Quantity> req = c.getResources().getRequests() != null && !c.getResources().getRequests().isEmpty()
          ? c.getResources().getRequests() : c.getResources().getLimits();
      if (req == null) {
        continue;
      }
      for (String r : RESOURCES) {
        if (req.containsKey(r)) {
          out.merge(r, amount(req.get(r)), Double::sum);
        }
      }
    }
    return out;
  }

  static double amount(Quantity q) {
    return Quantity.getAmountInBytes(q).doubleValue();
  }

  private static boolean isOurs(Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    return labels != null && WorkerPods.MANAGER.equals(labels.get(WorkerPods.MANAGED_BY));
  }

  private static boolean place(Map<String, Map<String, Double>> free, Map<String, Double> want) {
    for (Map<String, Double> f : free.values()) {
      boolean fits = true;
      for (String r : RESOURCES) {
        if (want.getOrDefault(r, 0.0) > f.get(r) + 1e-9) {
          fits = false;
          break;
        }
      }
      if (fits) {
        want.forEach((r, v) -> f.merge(r, -v, Double::sum));
        return true;
      }
    }
    return false;
  }

  private static String describe(Map<String, Double> req) {
    StringBuilder b = new StringBuilder();
    req.forEach((r, v) -> {
      if (v > 0) {
        if (b.length() > 0) {
          b.append(", ");
        }
        b.append(r).append(' ').append(r.equals("memory") ? String.format(Locale.ROOT, "%.0fMi", v / 1048576)
            : String.format(Locale.ROOT, "%s", v == Math.rint(v) ? Long.toString((long) (double) v) : v));
      }
    });
    return b.toString();
  }
}
