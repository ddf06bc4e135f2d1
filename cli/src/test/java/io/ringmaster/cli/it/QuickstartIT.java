package io.ringmaster.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main job, end to end, through the real launcher: {@code ./ringmaster run
 * examples/fashion-mlp.yaml --workers 2 --epochs 3} trains on the full Fashion-MNIST with an embedded
 * coordinator and two worker processes, and must reach 85% test accuracy.
 */
class QuickstartIT {
  static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void fashionMlpOnTwoLocalWorkersReaches85Percent() throws Exception {
    Path out = Path.of(System.getProperty("user.dir"), "target", "it");
    Files.createDirectories(out);
    Path summary = out.resolve("quickstart-summary.json");
    Files.deleteIfExists(summary);
    Path log = out.resolve("quickstart.out");
    ProcessBuilder pb = new ProcessBuilder(List.of(REPO.resolve("ringmaster").toString(), "run",
        "examples/fashion-mlp.yaml", "--workers", "2", "--epochs", "3", "--summary", summary.toString(),
        "--data-dir", out.resolve("runs").toString()))
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("RINGMASTER_SKIP_BUILD", "1"); // `mvn verify` packaged it already
    Process p = pb.start();
    boolean done = p.waitFor(15, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(done).as("finished in time; output:\n" + output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("Epoch 1/3").contains("Epoch 3/3").contains("Model saved to");
    assertThat(output).doesNotContain("\r").as("plain output when stdout is not a terminal");

    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.get("state").asText()).isEqualTo("SUCCEEDED");
    JsonNode epochs = s.get("epochs");
    assertThat(epochs).hasSize(3);
    for (JsonNode e : epochs) {
      assertThat(e.get("samples").asLong()).isEqualTo(60_000);
      assertThat(e.get("workers").asInt()).isEqualTo(2);
    }
    double accuracy = epochs.get(2).get("test_accuracy").asDouble();
    assertThat(accuracy).as("final test accuracy on the real Fashion-MNIST test set").isGreaterThanOrEqualTo(0.85);
    assertThat(s.get("workers").get("list")).hasSize(2);
    assertThat(Path.of(s.get("model_path").asText())).exists();
    System.out.println("QuickstartIT: final test accuracy " + accuracy + ", summary " + summary);
  }

}
