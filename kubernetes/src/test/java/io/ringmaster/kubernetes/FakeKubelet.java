package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Plays the kube-scheduler and the kubelet against fabric8's mock API server (CRUD mode schedules and
 * runs nothing): makes nodes, and moves worker pods' status as a real cluster would.
 */
final class FakeKubelet {
  static final String NS = "ringmaster";
  private final KubernetesClient client;

  FakeKubelet(KubernetesClient client) {
    this.client = client;
  }

  void node(String name, int cpus, int memoryGi, int gpus) {
    Node n = new NodeBuilder().withNewMetadata().withName(name).addToLabels("pool", "gpu").endMetadata()
        .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(Integer.toString(cpus)),
            "memory", new Quantity(memoryGi + "Gi"), WorkerPods.GPU, new Quantity(Integer.toString(gpus))))
        .endStatus().build();
    client.nodes().resource(n).create();
  }

  /** The job's live pods, by slot. */
  List<Pod> pods(String jobId) {
    return client.pods().inNamespace(NS).withLabel(WorkerPods.JOB, jobId).list().getItems().stream()
        .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getMetadata().getLabels().get(WorkerPods.SLOT))))
        .toList();
  }

  List<Pod> allWorkerPods() {
    return client.pods().inNamespace(NS).withLabel(WorkerPods.MANAGED_BY, WorkerPods.MANAGER).list().getItems();
  }

  void running(Pod pod, String nodeName) {
    Pod p = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
    p.getSpec().setNodeName(nodeName);
    p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
        .withContainerStatuses(new ContainerStatusBuilder().withName(WorkerPods.CONTAINER).withReady(true)
            .withState(new ContainerStateBuilder().withNewRunning().endRunning().build()).build())
        .build());
    client.pods().inNamespace(NS).resource(p).update();
  }

  void unschedulable(Pod pod, String message) {
    status(pod, new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
        .withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(message).build())
        .build());
  }

  void oomKilled(Pod pod) {
    status(pod, new PodStatusBuilder().withPhase("Failed").withContainerStatuses(new ContainerStatusBuilder()
        .withName(WorkerPods.CONTAINER).withState(new ContainerStateBuilder().withNewTerminated().withExitCode(137)
            .withReason("OOMKilled").endTerminated().build()).build()).build());
  }

  void imagePullBackOff(Pod pod) {
    status(pod, new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
        .withName(WorkerPods.CONTAINER).withImage(pod.getSpec().getContainers().get(0).getImage())
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image").endWaiting().build()).build()).build());
  }

  void evicted(Pod pod) {
    status(pod, new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
        .withMessage("The node was low on resource: memory.").build());
  }

  private void status(Pod pod, PodStatus status) {
    Pod p = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
    p.setStatus(status);
    client.pods().inNamespace(NS).resource(p).update();
  }
}
