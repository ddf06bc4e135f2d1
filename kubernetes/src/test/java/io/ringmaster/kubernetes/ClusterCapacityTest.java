package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whether a gang of identical pods fits the nodes' free allocatable resources. */
class ClusterCapacityTest {
  static final Map<String, Double> ONE_GPU = Map.of("cpu", 1.0, "memory", 1024.0 * 1048576, WorkerPods.GPU, 1.0);

  static Node node(String name, int cpus, int gpus, boolean cordoned, String pool) {
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("pool", pool).endMetadata()
        .withNewSpec().withUnschedulable(cordoned).endSpec()
        .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(Integer.toString(cpus)),
            "memory", new Quantity("16Gi"), WorkerPods.GPU, new Quantity(Integer.toString(gpus)))).endStatus().build();
  }

  static Pod pod(String node, int gpus, String phase, boolean ours) {
    var b = new PodBuilder().withNewMetadata().withName("p-" + node + gpus + phase)
        .addToLabels(ours ? Map.of(WorkerPods.MANAGED_BY, WorkerPods.MANAGER) : Map.of("app", "other")).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withNewResources()
        .addToRequests(WorkerPods.GPU, new Quantity(Integer.toString(gpus))).addToRequests("cpu", new Quantity("500m"))
        .endResources().endContainer().endSpec()
        .withNewStatus().withPhase(phase).endStatus();
    return b.build();
  }

  static Stream<Arguments> cases() {
    Node a = node("a", 8, 2, false, "gpu");
    Node b = node("b", 8, 2, false, "gpu");
    return Stream.of(
        Arguments.of("4 GPUs free, 4 wanted", List.of(a, b), List.of(), 4, Map.of(), null),
        Arguments.of("5 wanted", List.of(a, b), List.of(), 5, Map.of(), "room for 4 of the job's 5"),
        Arguments.of("a bound pod uses 2", List.of(a, b), List.of(pod("a", 2, "Running", false)), 4, Map.of(),
            "room for 2 of the job's 4"),
        Arguments.of("a finished pod uses nothing", List.of(a, b), List.of(pod("a", 2, "Succeeded", false)), 4,
            Map.of(), null),
        Arguments.of("our unbound pods are reserved", List.of(a, b), List.of(pod(null, 1, "Pending", true),
            pod(null, 2, "Pending", true)), 2, Map.of(), "pod(s) of other jobs still being placed"),
        Arguments.of("someone else's unbound pod is not", List.of(a, b), List.of(pod(null, 2, "Pending", false)), 4,
            Map.of(), null),
        Arguments.of("cordoned nodes offer nothing", List.of(a, node("b", 8, 2, true, "gpu")), List.of(), 4,
            Map.of(), "room for 2 of the job's 4"),
        Arguments.of("the nodeSelector filters nodes", List.of(a, node("b", 8, 2, false, "cpu")), List.of(), 3,
            Map.of("pool", "gpu"), "matching nodeSelector {pool=gpu}"),
        Arguments.of("GPUs cannot be split across nodes", List.of(node("a", 8, 1, false, "gpu"),
            node("b", 8, 1, false, "gpu")), List.of(), 1, Map.of(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, List<Node> nodes, List<Pod> pods, int count, Map<String, String> selector, String why) {
    Optional<String> result = ClusterCapacity.whyNot(nodes, pods, ONE_GPU, count, selector);
    if (why == null) {
      assertThat(result).isEmpty();
    } else {
      assertThat(result).hasValueSatisfying(r -> assertThat(r).contains(why));
    }
  }

  @org.junit.jupiter.api.Test
  void aPodNeverSpansNodes() {
    List<Node> small = List.of(node("a", 8, 1, false, "gpu"), node("b", 8, 1, false, "gpu"));
    assertThat(ClusterCapacity.whyNot(small, List.of(), Map.of("cpu", 1.0, "memory", 1.0, WorkerPods.GPU, 2.0), 1,
        Map.of())).hasValueSatisfying(r -> assertThat(r).contains("room for 0 of the job's 1").contains("2 free GPU(s)"));
  }
}
