package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as {@code helm install} prints it: how to submit a first job, and the caveats that apply. */
class ChartNotesTest {
  private final Chart chart = Chart.ringmaster();

  @Test
  void tellsHowToSubmitAFirstJobThroughAPortForwardOrAsATrainingJob() {
    String notes = notes(chart.dryRunInstallOutput(Map.of()));

    assertThat(notes)
        .contains("kubectl -n training port-forward svc/rm-ringmaster 7070:7070")
        .contains("get secret rm-ringmaster-tls -o jsonpath='{.data.ca\\.crt}' | base64 -d > ringmaster-ca.crt")
        .contains("ringmaster submit job.yaml --coordinator localhost:7070 --tls-ca ringmaster-ca.crt --watch")
        .contains("Every channel is TLS")
        .contains("get configmap rm-ringmaster")
        .contains("{.data.example-trainingjob\\.yaml}' | kubectl apply -f -")
        .contains("kubectl -n training get trainingjobs")
        .contains("Set data.existingClaim to a PersistentVolumeClaim")
        .doesNotContain("GPU(s) per worker")
        .doesNotContain("NetworkPolicies are disabled");
  }

  @Test
  void mentionsGpusTheDataClaimAndMissingNetworkPoliciesWhenSo() {
    String notes = notes(chart.dryRunInstallOutput(Map.of("workers.gpusPerWorker", 2,
        "data.existingClaim", "datasets", "networkPolicy.enabled", false)));

    assertThat(notes)
        .contains("2 GPU(s) per worker")
        .contains("Claim datasets is mounted at /data.")
        .contains("NetworkPolicies are disabled");
  }

  private static String notes(String installOutput) {
    int start = installOutput.indexOf("NOTES:");
    assertThat(start).as("NOTES in the install output:%n%s", installOutput).isNotNegative();
    return installOutput.substring(start);
  }
}
