package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values the chart refuses at {@code helm template}/{@code install} time, with a message that names the
 * value: values.schema.json (types, ranges, unknown names), incomplete TLS settings and the placeholders of the
 * security issue.
 */
class ChartRefusesTest {
  private static final Chart CHART = Chart.ringmaster();

  record Refusal(String what, String key, Object value, String messagePart) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal("values.schema.json rejects a negative storage size", "persistence.size", "-5Gi", "persistence.size: Does not match pattern"),
        new Refusal("values.schema.json rejects a storage size that is not a quantity", "persistence.size", "lots", "persistence.size: Does not match pattern"),
        new Refusal("values.schema.json rejects negative GPUs per worker", "workers.gpusPerWorker", -1,
            "workers.gpusPerWorker: Must be greater than or equal to 0"),
        new Refusal("values.schema.json rejects GPUs per worker given as text", "workers.gpusPerWorker", "two",
            "workers.gpusPerWorker: Invalid type. Expected: integer"),
        new Refusal("values.schema.json rejects an unknown pull policy", "images.workerPullPolicy", "Sometimes",
            "images.workerPullPolicy must be one of the following"),
        new Refusal("values.schema.json rejects a port out of range", "coordinator.port", 70000,
            "coordinator.port: Must be less than or equal to 65535"),
        new Refusal("values.schema.json rejects a misspelt value name", "worker.gpusPerWorker", 2,
            "Additional property worker is not allowed"),
        new Refusal("values.schema.json rejects a worker heap below the coordinator's 128 MiB minimum",
            "workers.resources.heapMb", 100, "workers.resources.heapMb: Must be greater than or equal to 128"),
        new Refusal("values.schema.json rejects a scheduler name that is not a Kubernetes name", "workers.schedulerName",
            "Volcano_X", "workers.schedulerName: Does not match pattern"),
        new Refusal("values.schema.json rejects a queue that is not a label value", "workers.queue", "team a!",
            "workers.queue: Does not match pattern"),
        new Refusal("values.schema.json rejects a zero gang timeout", "scheduler.gangTimeoutSeconds", 0,
            "scheduler.gangTimeoutSeconds: Must be greater than or equal to 1"),
        new Refusal("values.schema.json rejects a relative data mount path", "data.mountPath", "data", "data.mountPath: Does not match pattern"),
        new Refusal("values.schema.json rejects an unknown client authentication", "auth.clientAuth", "ldap",
            "auth.clientAuth must be one of the following"),
        new Refusal("tls.certManager.enabled=true needs the issuer's name", "tls.certManager.enabled", true,
            "tls.certManager.enabled=true needs tls.certManager.issuerRef.name"),
        new Refusal("tls.secretName alone is refused: the workers' Secret must be given too", "tls.secretName", "mine",
            "give both existing Secrets"),
        new Refusal("values.schema.json rejects a generated validity of 0 days", "tls.generatedValidityDays", 0,
            "tls.generatedValidityDays: Must be greater than or equal to 1"),
        new Refusal("serviceAccount.create=false needs serviceAccount.name", "serviceAccount.create", false,
            "serviceAccount.name: name an existing ServiceAccount"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refused(Refusal refusal) {
    assertThatThrownBy(() -> CHART.template(null, Map.of(refusal.key(), refusal.value())))
        .hasMessageContaining(refusal.messagePart());
  }
}
