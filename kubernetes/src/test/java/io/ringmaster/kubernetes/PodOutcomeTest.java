package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A pod's status in plain words. */
class PodOutcomeTest {
  static Pod pod(PodStatus status) {
    return new PodBuilder().withNewMetadata().withName("rm-j-w1-abcde").endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("w:1").withNewResources()
        .addToLimits("memory", new Quantity("3584Mi")).endResources().endContainer().endSpec()
        .withStatus(status).build();
  }

  static PodStatus terminated(String phase, int code, String reason) {
    return new PodStatusBuilder().withPhase(phase).withContainerStatuses(new ContainerStatusBuilder().withName("worker")
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason(reason)
            .endTerminated().build()).build()).build();
  }

  static PodStatus waiting(String reason) {
    return new PodStatusBuilder().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
        .withName("worker").withImage("w:1").withState(new ContainerStateBuilder().withNewWaiting()
            .withReason(reason).withMessage("details").endWaiting().build()).build()).build();
  }

  static Stream<Arguments> ended() {
    return Stream.of(
        Arguments.of(terminated("Failed", 137, "OOMKilled"), 137,
            "pod rm-j-w1-abcde was OOM-killed: the worker used more than its memory limit 3584Mi"),
        Arguments.of(terminated("Failed", 3, "Error"), 3, "pod rm-j-w1-abcde: worker exited with code 3 (Error)"),
        Arguments.of(terminated("Succeeded", 0, "Completed"), 0, "worker exited with code 0"),
        Arguments.of(new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
            .withMessage("The node was low on resource: ephemeral-storage.").build(), -1,
            "pod rm-j-w1-abcde was evicted by the kubelet: The node was low on resource: ephemeral-storage."),
        Arguments.of(waiting("ImagePullBackOff"), -1, "cannot pull its image w:1 (ImagePullBackOff: details)"),
        Arguments.of(waiting("ErrImagePull"), -1, "cannot pull its image w:1 (ErrImagePull"),
        Arguments.of(waiting("CreateContainerConfigError"), -1, "cannot start its container (CreateContainerConfigError"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("ended")
  void endedPodsSayWhy(PodStatus status, int code, String words) {
    assertThat(PodOutcome.ended(pod(status))).hasValueSatisfying(e -> {
      assertThat(e.exitCode()).isEqualTo(code);
      assertThat(e.cause()).contains(words);
    });
  }

  @Test
  void podsStillComingHaveNotEnded() {
    assertThat(PodOutcome.ended(pod(waiting("ContainerCreating")))).isEmpty();
    assertThat(PodOutcome.ended(pod(new PodStatusBuilder().withPhase("Running").build()))).isEmpty();
    assertThat(PodOutcome.ended(pod(null))).isEmpty();
  }

  @Test
  void unschedulableOnlyWhenTheSchedulerSaysSo() {
    PodStatus unschedulable = new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
        .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.").build()).build();
    assertThat(PodOutcome.unschedulable(pod(unschedulable))).hasValue("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");
    assertThat(PodOutcome.unschedulable(pod(new PodStatusBuilder().withPhase("Pending").build()))).isEmpty();
    assertThat(PodOutcome.unschedulable(pod(new PodStatusBuilder().withPhase("Running").build()))).isEmpty();
  }
}
