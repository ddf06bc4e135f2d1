package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart as a whole: {@code helm lint --strict} passes, and {@code helm template} renders, for the
 * default values and for the GPU values file, exactly the expected objects, every one of which parses into
 * fabric8's model without an unknown field.
 */
class ChartLintAndRenderTest {
  private final Chart chart = Chart.ringmaster();

  @Test
  void lintStrictPasses() {
    LintResult lint = chart.lintStrict();

    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderTheExpectedObjectsAllValidAgainstTheKubernetesModel() {
    RenderedChart rendered = chart.render(Map.of());

    assertThat(kindsAndNames(rendered.objects())).containsExactlyInAnyOrder(
        "ServiceAccount rm-ringmaster", "ServiceAccount rm-ringmaster-worker",
        "Role rm-ringmaster", "RoleBinding rm-ringmaster",
        "ClusterRole training-rm-ringmaster-capacity", "ClusterRoleBinding training-rm-ringmaster-capacity",
        "ConfigMap rm-ringmaster",
        "Service rm-ringmaster", "Service rm-ringmaster-headless",
        "StatefulSet rm-ringmaster",
        "NetworkPolicy rm-ringmaster-coordinator", "NetworkPolicy rm-ringmaster-workers",
        "PodDisruptionBudget rm-ringmaster",
        "Secret rm-ringmaster-tls", "Secret rm-ringmaster-worker-tls");
    assertThat(rendered.objects()).allSatisfy(object -> {
      assertThat(object.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
      if (!(object instanceof ClusterRole) && !(object instanceof ClusterRoleBinding)) {
        assertThat(object.getMetadata().getNamespace()).as("namespace of %s", object.getKind())
            .isEqualTo(Chart.NAMESPACE);
      }
    });
    assertThat(rendered.coordinator().getSpec().getServiceName()).isEqualTo("rm-ringmaster-headless");
    assertThat(rendered.named(Service.class, "rm-ringmaster-headless").getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void gpuValuesFileRendersValidObjects() {
    RenderedChart rendered = chart.render(chart.file("ci/gpu-values.yaml"), Map.of());

    assertThat(rendered.all(StatefulSet.class)).hasSize(1);
    assertThat(rendered.all(NetworkPolicy.class)).hasSize(2);
    assertThat(rendered.all(PodDisruptionBudget.class)).hasSize(1);
    assertThat(rendered.all(Role.class)).hasSize(1);
    assertThat(rendered.all(RoleBinding.class)).hasSize(1);
    assertThat(rendered.all(ServiceAccount.class)).hasSize(2);
    assertThat(rendered.all(ConfigMap.class)).hasSize(1);
    assertThat(rendered.flag("--k8s-worker-image-cuda"))
        .isEqualTo("registry.example.com/ml/ringmaster-worker-cuda:0.1.0-cuda11.6");
    assertThat(rendered.flag("--k8s-image-pull-policy")).isEqualTo("Always");
    assertThat(rendered.flagValues("--k8s-image-pull-secret")).containsExactly("regcred", "regcred-mirror");
    assertThat(rendered.coordinator().getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
        .isEqualTo("fast-ssd");
  }

  private static List<String> kindsAndNames(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList();
  }
}
