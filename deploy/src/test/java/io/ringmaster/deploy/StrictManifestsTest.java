package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser the chart tests rely on refuses what a lenient one (fabric8's default) would keep quietly. */
class StrictManifestsTest {
  private static final String STATEFUL_SET = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: c
      spec:
        %s
        serviceName: c
        selector: {matchLabels: {a: b}}
        template:
          metadata: {labels: {a: b}}
          spec:
            containers:
              - name: c
                image: i
                %s
      """;

  @Test
  void parsesValidManifestsIntoTheirModelClasses() {
    List<HasMetadata> objects = StrictManifests.parseAll(STATEFUL_SET.formatted("replicas: 1",
        "resources: {limits: {nvidia.com/gpu: 2}}") + "---\n# only a comment\n---\n"
        + "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 7070}]}\n");

    assertThat(objects).hasSize(2);
    StatefulSet set = (StatefulSet) objects.get(0);
    assertThat(set.getSpec().getReplicas()).isEqualTo(1);
    assertThat(set.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
        .get("nvidia.com/gpu").toString()).isEqualTo("2");
    assertThat(objects.get(1)).isInstanceOf(Service.class);
  }

  @Test
  void aMisspeltFieldFailsNamingIt() {
    String yaml = STATEFUL_SET.formatted("replicaz: 1", "");

    assertThatThrownBy(() -> StrictManifests.parseAll(yaml))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("StatefulSet c")
        .hasMessageContaining("replicaz");
  }

  @Test
  void aFieldAtTheWrongLevelFails() {
    // `limits` belongs under resources, not directly on the container
    String yaml = STATEFUL_SET.formatted("replicas: 1", "limits: {nvidia.com/gpu: 2}");

    assertThatThrownBy(() -> StrictManifests.parseAll(yaml))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("limits");
  }

  @Test
  void aQuotedNumberWhereTheApiWantsAnIntegerFails() {
    String yaml = STATEFUL_SET.formatted("replicas: \"1\"", "");

    assertThatThrownBy(() -> StrictManifests.parseAll(yaml)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("replicas");
  }

  @Test
  void aBareNumberWhereTheApiWantsAStringFails() {
    for (String container : List.of("args: [--port, 7070]", "env: [{name: N, value: 120}]", "ports: [{containerPort: 7070, name: 7}]")) {
      assertThatThrownBy(() -> StrictManifests.parseAll(STATEFUL_SET.formatted("replicas: 1", container)))
          .as(container).isInstanceOf(AssertionError.class);
    }
    String label = STATEFUL_SET.formatted("replicas: 1", "").replace("name: c\nspec", "name: c\n  labels: {tier: 1}\nspec");
    assertThat(label).contains("tier: 1");
    assertThatThrownBy(() -> StrictManifests.parseAll(label)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("tier");
  }

  @Test
  void anUnknownKindOrApiVersionFails() {
    assertThatThrownBy(() -> StrictManifests.parseAll("apiVersion: apps/v1\nkind: StatefullSet\nmetadata: {name: x}\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no model class for apiVersion 'apps/v1' kind 'StatefullSet'");
    assertThatThrownBy(() -> StrictManifests.parseAll("apiVersion: policy/v1beta2\nkind: PodDisruptionBudget\nmetadata: {name: x}\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("policy/v1beta2");
  }
}
