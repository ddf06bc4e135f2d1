package io.ringmaster.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.spec.Violation;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file and flags: values, defaults, precedence, and errors that name the setting. */
class CoordinatorConfigReaderTest {
  static Map.Entry<String, String> flag(String name, String value) {
    return Map.entry(name, value);
  }

  @Test
  void noFileAndNoFlagsGiveTheDefaults() {
    CoordinatorConfig c = CoordinatorConfigReader.read(null, "none", Map.of());
    assertThat(c.jobs()).isEqualTo(io.ringmaster.coordinator.jobs.JobSettings.DEFAULTS);
    assertThat(c.maxMessageBytes()).isEqualTo(4 << 20);
    assertThat(c.executorThreads()).isEqualTo(16);
    assertThat(c.retention().deletesAnything()).isFalse();
    assertThat(c.server()).isEqualTo(CoordinatorConfig.ServerSettings.UNSET);
    assertThat(c.datasets()).isEqualTo(io.ringmaster.coordinator.datasets.DatasetLimits.DEFAULTS);
  }

  @Test
  void tokensReloadAndAuditRetentionHaveDefaultsAndComeFromTheFileOrFlags() {
    CoordinatorConfig.SecuritySettings defaults = CoordinatorConfigReader.read(null, "none", Map.of()).security();
    assertThat(defaults.tokensReload()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.auditKeep()).isEqualTo(Duration.ofDays(90));

    CoordinatorConfig.SecuritySettings s = CoordinatorConfigReader.read("""
        security: {tokensReloadSeconds: 2.5, auditKeepDays: 30}
        """, "c.yaml", Map.of("security.auditKeepDays", flag("--audit-keep-days", "0"))).security();
    assertThat(s.tokensReload()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.auditKeep()).as("the flag wins; 0 keeps records").isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> CoordinatorConfigReader.read("security: {tokensReloadSeconds: 0}", "c.yaml", Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("security.tokensReloadSeconds: must be in 1..86400");
  }

  @Test
  void datasetLimitsComeFromTheFileAndFlagsInMebibytesAndMinutes() {
    CoordinatorConfig c = CoordinatorConfigReader.read("""
        datasets: {maxDatasetMb: 100, maxStoreMb: 1000, maxConcurrentUploads: 3, uploadExpiryMinutes: 1.5}
        """, "coordinator.yaml", Map.of("datasets.maxConcurrentUploads", flag("--max-concurrent-uploads", "2")));

    assertThat(c.datasets().maxDatasetBytes()).isEqualTo(100L << 20);
    assertThat(c.datasets().maxStoreBytes()).isEqualTo(1000L << 20);
    assertThat(c.datasets().maxConcurrentUploads()).as("the flag wins").isEqualTo(2);
    assertThat(c.datasets().uploadExpiry()).isEqualTo(Duration.ofSeconds(90));
    assertThat(CoordinatorConfigReader.read("datasets: {maxStoreMb: 0}", "c.yaml", Map.of()).datasets().storeBounded())
        .as("0: no limit").isFalse();
    assertThat(CoordinatorConfigReader.read(null, "none",
        Map.of("datasets.maxDatasetMb", flag("--max-dataset-mb", "1000000"))).datasets().maxDatasetBytes())
        .as("more than 2 GiB does not overflow").isEqualTo(1_000_000L << 20);
    assertThatThrownBy(() -> CoordinatorConfigReader.read("datasets: {maxConcurrentUploads: 0, uploadExpiryMinutes: 0}",
        "c.yaml", Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("datasets.maxConcurrentUploads: must be in 1..10000 (in c.yaml), got 0")
        .hasMessageContaining("datasets.uploadExpiryMinutes: must be in 0.01..10080");
    assertThatThrownBy(() -> CoordinatorConfigReader.read("dataset: {maxStoreMb: 5}", "c.yaml", Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("known: server, jobs, watchdog, grpc, retention, datasets");
  }

  @Test
  void fileSetsEverySectionAndFlagsWin() {
    String yaml = """
        server: {port: 7171, scheduler: external, dataDir: /var/lib/rm}
        jobs: {maxConcurrent: 3, maxQueued: 500, maxWorkersPerJob: 8, heartbeatIntervalS: 0.5, heartbeatTimeoutS: 4}
        watchdog: {noProgressTimeoutS: 120, idleHeartbeats: 7, maxIdleRecoveries: 1}
        grpc: {maxMessageMb: 8, executorThreads: 4}
        retention: {keepDays: 30, keepFinishedJobs: 1000, intervalMinutes: 5}
        """;
    CoordinatorConfig c = CoordinatorConfigReader.read(yaml, "coordinator.yaml",
        Map.of("jobs.maxConcurrent", flag("--max-concurrent-jobs", "2")));

    assertThat(c.jobs().maxConcurrentJobs()).as("the flag wins over the file").isEqualTo(2);
    assertThat(c.jobs().maxQueuedJobs()).isEqualTo(500);
    assertThat(c.jobs().maxWorkersPerJob()).isEqualTo(8);
    assertThat(c.jobs().heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.jobs().noProgressTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.jobs().idleHeartbeats()).isEqualTo(7);
    assertThat(c.jobs().maxIdleRecoveries()).isEqualTo(1);
    assertThat(c.maxMessageBytes()).isEqualTo(8 << 20);
    assertThat(c.executorThreads()).isEqualTo(4);
    assertThat(c.retention().keepFor()).isEqualTo(Duration.ofDays(30));
    assertThat(c.retention().keepFinishedJobs()).isEqualTo(1000);
    assertThat(c.retention().interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.server().port()).isEqualTo(7171);
    assertThat(c.server().scheduler()).isEqualTo("external");
    assertThat(c.server().host()).isNull();
  }

  @Test
  void everyBadSettingIsNamedAtOnce() {
    String yaml = """
        jobs: {maxConcurrent: 0, maxQueud: 5, heartbeatIntervalS: abc}
        grpc: {maxMessageMb: 1000}
        server: {scheduler: yarn}
        extras: {x: 1}
        """;
    assertThatThrownBy(() -> CoordinatorConfigReader.read(yaml, "c.yaml",
        Map.of("grpc.executorThreads", flag("--executor-threads", "1.5"))))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.violations()).extracting(Violation::field).containsExactlyInAnyOrder(
              "jobs.maxConcurrent", "jobs.maxQueud", "jobs.heartbeatIntervalS", "grpc.maxMessageMb",
              "server.scheduler", "extras", "grpc.executorThreads");
          assertThat(e.getMessage())
              .contains("jobs.maxConcurrent: must be in 1..10000 (in c.yaml), got 0")
              .contains("jobs.maxQueud: unknown setting in c.yaml; known in jobs: [maxConcurrent, maxQueued")
              .contains("grpc.executorThreads: must be a whole number (given by --executor-threads), got 1.5")
              .contains("server.scheduler: must be one of [local, external, kubernetes]");
        });
  }

  @Test
  void contradictorySettingsAreNamed() {
    assertThatThrownBy(() -> CoordinatorConfigReader.read("jobs: {heartbeatIntervalS: 5, heartbeatTimeoutS: 6}",
        "c.yaml", Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("jobs.heartbeatTimeoutS: must be at least twice jobs.heartbeatIntervalS");
    assertThatThrownBy(() -> CoordinatorConfigReader.read("- a\n- b", "c.yaml", Map.of()))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("c.yaml: must be a mapping");
  }

  /**
   * The Kubernetes scheduler needs settings the file does not hold (image, namespace): a coordinator told
   * {@code server.scheduler: kubernetes} without it refuses to start, naming the setting, before it makes
   * anything in its data directory.
   */
  @Test
  void kubernetesFromTheFileWithoutItsSchedulerIsRefusedNamingTheSetting(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    CoordinatorConfig c = CoordinatorConfigReader.read("server: {scheduler: kubernetes}", "c.yaml", Map.of());
    var server = io.ringmaster.coordinator.CoordinatorServer.builder().port(0).dataDir(dir.resolve("data")).config(c)
        .build();
    assertThatThrownBy(server::start)
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).containsExactly("server.scheduler"))
        .hasMessageContaining("--k8s-worker-image IMAGE");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void theJobDefaultsSectionIsReadInJobFileTermsWithFieldPaths() {
    CoordinatorConfig c = CoordinatorConfigReader.read("""
        jobDefaults:
          resources: {heapMb: 2048, threads: 2}
          gpuKubernetes:
            nodeSelector: {nvidia.com/gpu.present: "true"}
            tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        """, "coordinator.yaml", Map.of());
    assertThat(c.jobDefaults().heapMb()).isEqualTo(2048);
    assertThat(c.jobDefaults().offheapMb()).as("left to the built-in default").isZero();
    assertThat(c.jobDefaults().threads()).isEqualTo(2);
    assertThat(c.jobDefaults().gpuKubernetes().nodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(c.jobDefaults().gpuKubernetes().tolerations()).hasSize(1);
    assertThat(CoordinatorConfigReader.read(null, "none", Map.of()).jobDefaults())
        .isEqualTo(io.ringmaster.job.spec.JobDefaults.BUILT_IN);

    assertThatThrownBy(() -> CoordinatorConfigReader.read("jobDefaults: {kubernetes: {tolerations: [{effect: Now}]}}",
        "coordinator.yaml", Map.of("jobDefaults.resources.heapMb", flag("--set", "512"))))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).contains("jobDefaults.kubernetes.tolerations[0].effect",
                "jobDefaults.kubernetes.tolerations[0].key", "jobDefaults.resources.heapMb"))
        .hasMessageContaining("not with --set");
  }
}
