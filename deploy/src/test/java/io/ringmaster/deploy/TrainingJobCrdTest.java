package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The TrainingJob CRD in the chart's {@code crds/} (Helm installs it before the templates, and never
 * renders it in {@code helm template}): a valid CustomResourceDefinition with the shape the coordinator
 * and {@code kubectl get trainingjobs} rely on, and the chart's example job fits it.
 */
class TrainingJobCrdTest {
  private static final List<String> SPEC_FIELDS = List.of("name", "model", "data", "epochs", "batchSize",
      "updater", "seed", "workers", "resources", "faultTolerance", "kubernetes");
  private static final String CRD_FILE = "crds/trainingjobs.ringmaster.io.yaml";

  private final Chart chart = Chart.ringmaster();

  @Test
  void isANamespacedV1alpha1TrainingJobWithAStatusSubresourceAndPrinterColumns() throws IOException {
    CustomResourceDefinition crd = crd();

    assertThat(crd.getMetadata().getName()).isEqualTo("trainingjobs.ringmaster.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("ringmaster.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("TrainingJob");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("trainingjobs");
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("State", ".status.state"),
            org.assertj.core.groups.Tuple.tuple("Epoch", ".status.epoch"),
            org.assertj.core.groups.Tuple.tuple("Accuracy", ".status.testAccuracy"),
            org.assertj.core.groups.Tuple.tuple("Age", ".metadata.creationTimestamp"));
  }

  @Test
  void specHasTheJobFileFieldsAndPrunesNothingTheCoordinatorShouldSee() throws IOException {
    JSONSchemaProps root = crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps spec = root.getProperties().get("spec");

    assertThat(spec.getProperties()).containsKeys(SPEC_FIELDS.toArray(String[]::new));
    assertThat(spec.getXKubernetesPreserveUnknownFields()).isTrue();
    for (String open : List.of("model", "data", "updater", "resources", "faultTolerance", "kubernetes")) {
      assertThat(spec.getProperties().get(open).getXKubernetesPreserveUnknownFields()).as(open).isTrue();
    }
    assertThat(spec.getProperties().get("epochs").getType()).isEqualTo("integer");
    assertThat(spec.getProperties().get("resources").getProperties()).containsKey("gpus");
    Map<String, JSONSchemaProps> status = root.getProperties().get("status").getProperties();
    assertThat(status).containsOnlyKeys("state", "epoch", "testAccuracy", "message", "jobId", "modelPath", "observedGeneration");
    assertThat(status.get("testAccuracy").getType()).isEqualTo("number");
  }

  @Test
  void theChartsExampleJobIsATrainingJobWithKnownSpecFields() throws IOException {
    JsonNode example = chart.render(Map.of("workers.gpusPerWorker", 1)).configFile("example-trainingjob.yaml");
    CustomResourceDefinition crd = crd();

    assertThat(example.path("apiVersion").asString())
        .isEqualTo(crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName());
    assertThat(example.path("kind").asString()).isEqualTo(crd.getSpec().getNames().getKind());
    assertThat(example.path("metadata").path("namespace").asString()).isEqualTo(Chart.NAMESPACE);
    assertThat(example.path("spec").propertyNames()).isSubsetOf(SPEC_FIELDS);
  }

  /**
   * The Kubernetes module keeps a copy of the CRD for its own tests: it must be this file, byte for byte,
   * so the resource the coordinator reconciles is the one the chart installs.
   */
  @Test
  void theKubernetesModulesCopyIsTheSameFile() throws IOException {
    Path copy = chart.dir().resolve("../../kubernetes/src/main/resources/crds/trainingjobs.ringmaster.io.yaml").normalize();
    Assumptions.assumeTrue(Files.exists(copy), "no Kubernetes module copy of the CRD at " + copy);

    assertThat(Files.readString(copy))
        .as("%s differs from %s: keep one definition (copy the chart's file)", copy, chart.file(CRD_FILE))
        .isEqualTo(Files.readString(chart.file(CRD_FILE)));
  }

  private CustomResourceDefinition crd() throws IOException {
    return StrictManifests.parse(Files.readString(chart.file(CRD_FILE)), CustomResourceDefinition.class);
  }
}
