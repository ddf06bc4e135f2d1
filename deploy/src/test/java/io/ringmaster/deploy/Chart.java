package io.ringmaster.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chart under test and the two Helm operations the tests need: {@code helm lint --strict} and
 * {@code helm template}, run in-process by helm-java. Its directory comes from the system property
 * {@code ringmaster.chart.dir} (set by this module's pom), else {@code ../helm/ringmaster}.
 */
final class Chart {
  static final String RELEASE = "rm";
  static final String NAMESPACE = "training";

  private final Path dir;

  private Chart(Path dir) {
    this.dir = dir;
  }

  static Chart ringmaster() {
    Path dir = Path.of(System.getProperty("ringmaster.chart.dir", "../helm/ringmaster")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no Chart.yaml in " + dir
          + ": run the tests from the deploy module (mvn -pl deploy test) or set -Dringmaster.chart.dir");
    }
    return new Chart(dir);
  }

  Path dir() {
    return dir;
  }

  Path file(String relative) {
    return dir.resolve(relative);
  }

  LintResult lintStrict() {
    return new Helm(dir).lint().strict().call();
  }

  /** {@code helm template} with the chart's values, an optional values file, then {@code --set}s in order. */
  String template(Path valuesFile, Map<String, ?> sets) {
    TemplateCommand template = new Helm(dir).template().withName(RELEASE).withNamespace(NAMESPACE);
    // helm-java's template is not client-only: Helm's `lookup` (which keeps generated TLS Secrets across
    // upgrades) would dial a cluster; `helm template` itself returns nothing from it, as this does
    template = template.set("tls.keepGeneratedSecrets", false);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, ?> set : new LinkedHashMap<>(sets).entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return template.call();
  }

  /**
   * The text {@code helm install --dry-run} prints (a client-only install: no cluster is contacted),
   * which holds the rendered NOTES.txt.
   */
  String dryRunInstallOutput(Map<String, ?> sets) {
    InstallCommand install = new Helm(dir).install().withName(RELEASE).withNamespace(NAMESPACE).dryRun().clientOnly()
        .set("tls.keepGeneratedSecrets", false); // no cluster to look the Secrets up in (see template)
    for (Map.Entry<String, ?> set : new LinkedHashMap<>(sets).entrySet()) {
      install = install.set(set.getKey(), set.getValue());
    }
    return install.call().getOutput();
  }

  /**
   * A copy of this chart in {@code target} whose hooks are plain resources ({@code helm.sh/hook}
   * annotations removed), so that {@code helm template}, which leaves hooks out, renders them too.
   */
  Chart withHooksAsResources(Path target) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(dir.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.writeString(to, String.join("\n", Files.readAllLines(f).stream()
              .filter(line -> !line.strip().startsWith("helm.sh/hook")).toList()) + "\n");
        }
      }
    }
    return new Chart(target);
  }

  RenderedChart render(Path valuesFile, Map<String, ?> sets) {
    return new RenderedChart(StrictManifests.parseAll(template(valuesFile, sets)));
  }

  RenderedChart render(Map<String, ?> sets) {
    return render(null, sets);
  }
}
