package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code coordinator}: options reach the launcher, the address is printed, the server is closed. */
class CoordinatorCommandTest {

  @Test
  void startsWithTheGivenSettingsAndPrintsTheAddress() throws Exception {
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    AtomicInteger closed = new AtomicInteger();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = s -> {
        settings.set(s);
        return new CoordinatorLauncher.Running() {
          @Override
          public int port() {
            return 7171;
          }

          @Override
          public void awaitTermination() {
            // "until killed": Ctrl-C runs the hook, which stops the coordinator
            Runnable onCtrlC = cli.hooks.get("ringmaster-coordinator-stop");
            assertThat(onCtrlC).as("coordinator registered a shutdown hook").isNotNull();
            onCtrlC.run();
            assertThat(closed.get()).as("the hook closed the coordinator").isEqualTo(1);
          }

          @Override
          public void close() {
            closed.incrementAndGet();
          }
        };
      };

      CliHarness.Result r = cli.run("coordinator", "--host", "0.0.0.0", "--port", "0", "--data-dir", "/tmp/rm",
          "--scheduler", "EXTERNAL", "--client-auth", "none");

      assertThat(r.exitCode()).as(r.err()).isZero();
      CoordinatorLauncher.Settings s = settings.get();
      assertThat(new CoordinatorLauncher.Settings(s.host(), s.port(), s.dataDir(), s.scheduler(), s.durable()))
          .isEqualTo(new CoordinatorLauncher.Settings("0.0.0.0", 0, Path.of("/tmp/rm"), SchedulerKind.EXTERNAL, true));
      assertThat(s.config().security().clientAuth()).isEqualTo("none");
      assertThat(r.out()).startsWith("Coordinator listening on 0.0.0.0:7171 (scheduler external, data dir /tmp/rm,"
          + " client auth none)");
      assertThat(closed.get()).isPositive();
      assertThat(cli.hooks).isEmpty();
    }
  }

  /** A launcher that records the settings and stops at once. */
  static CoordinatorLauncher recording(AtomicReference<CoordinatorLauncher.Settings> settings) {
    return s -> {
      settings.set(s);
      return new CoordinatorLauncher.Running() {
        @Override
        public int port() {
          return 7171;
        }

        @Override
        public void awaitTermination() {
        }

        @Override
        public void close() {
        }
      };
    };
  }

  @Test
  void configFileAndFlagsReachTheCoordinatorWithFlagsWinning(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    java.nio.file.Files.writeString(file, """
        server: {port: 7272, scheduler: external, dataDir: /srv/rm}
        jobs: {maxConcurrent: 4, maxQueued: 7}
        retention: {keepDays: 30}
        """);
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = recording(settings);

      CliHarness.Result r = cli.run("coordinator", "--config", file.toString(), "--port", "7000",
          "--max-concurrent-jobs", "2", "--set", "watchdog.idleHeartbeats=9", "--executor-threads", "8",
          "--client-auth", "none");

      assertThat(r.exitCode()).as(r.err()).isZero();
      CoordinatorLauncher.Settings s = settings.get();
      assertThat(s.port()).as("the flag wins").isEqualTo(7000);
      assertThat(s.scheduler()).as("from the file").isEqualTo(SchedulerKind.EXTERNAL);
      assertThat(s.dataDir()).isEqualTo(Path.of("/srv/rm"));
      assertThat(s.config().jobs().maxConcurrentJobs()).isEqualTo(2);
      assertThat(s.config().jobs().maxQueuedJobs()).isEqualTo(7);
      assertThat(s.config().jobs().idleHeartbeats()).isEqualTo(9);
      assertThat(s.config().executorThreads()).isEqualTo(8);
      assertThat(s.config().retention().keepFor()).isEqualTo(java.time.Duration.ofDays(30));
    }
  }

  @Test
  void datasetLimitFlagsReachTheCoordinator() throws Exception {
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = recording(settings);

      CliHarness.Result r = cli.run("coordinator", "--max-dataset-mb", "64", "--max-dataset-store-mb", "512",
          "--max-concurrent-uploads", "3", "--upload-expiry-minutes", "5", "--client-auth", "none");

      assertThat(r.exitCode()).as(r.err()).isZero();
      io.ringmaster.coordinator.datasets.DatasetLimits limits = settings.get().config().datasets();
      assertThat(limits).isEqualTo(new io.ringmaster.coordinator.datasets.DatasetLimits(64L << 20, 512L << 20, 3,
          java.time.Duration.ofMinutes(5)));

      CliHarness.Result bad = cli.run("coordinator", "--max-concurrent-uploads", "0");
      assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(bad.err()).contains("datasets.maxConcurrentUploads: must be in 1..10000 (given by"
          + " --max-concurrent-uploads), got 0");
    }
  }

  @Test
  void badSettingsAreUsageErrorsNamingTheSetting(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    java.nio.file.Files.writeString(file, "jobs: {maxConcurent: 4}\n");
    try (CliHarness cli = new CliHarness()) {
      CliHarness.Result r = cli.run("coordinator", "--config", file.toString(), "--max-queued-jobs", "-1");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("jobs.maxConcurent: unknown setting in " + file)
          .contains("jobs.maxQueued: must be in 0..1000000 (given by --max-queued-jobs), got -1");
    }
  }

  @Test
  void aCoordinatorMustBeToldHowClientsAuthenticate() throws Exception {
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = recording(settings);

      CliHarness.Result r = cli.run("coordinator", "--port", "0");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("--tokens-file FILE").contains("--client-auth none");
      assertThat(settings.get()).as("nothing started").isNull();
    }
  }

  @Test
  void tokensFileAndDataRootsReachTheConfiguration(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = recording(settings);

      CliHarness.Result r = cli.run("coordinator", "--port", "0", "--tokens-file", dir.resolve("t.yaml").toString(),
          "--data-root", "/data", "--data-root", "/scratch", "--set", "limits.maxHeapMb=2048");

      assertThat(r.exitCode()).as(r.err()).isZero();
      var security = settings.get().config().security();
      assertThat(security.clientAuth()).isEqualTo("tokens");
      assertThat(security.tokensFile()).isEqualTo(dir.resolve("t.yaml").toString());
      assertThat(security.dataRoots()).containsExactly("/data", "/scratch");
      assertThat(settings.get().config().specLimits().maxHeapMb()).isEqualTo(2048);

      CliHarness.Result both = cli.run("coordinator", "--client-auth", "none", "--tokens-file", "t.yaml");
      assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(both.err()).contains("security.clientAuth");
    }
  }

  @Test
  void aBadTokensFileIsAUsageErrorThatNeverQuotesATokenAndStartsNothing(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path tokens = java.nio.file.Files.writeString(dir.resolve("tokens.yaml"),
        "tokens: [{name: x, tenant: t, role: owner, token: \"super-secret-token-0123456789abcdef\"}]\n");
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = CoordinatorLauncher.inProcess();

      CliHarness.Result r = cli.run("coordinator", "--port", "0", "--data-dir", dir.resolve("runs").toString(),
          "--tokens-file", tokens.toString());

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("tokens[0].role").doesNotContain("super-secret");
    }
  }

  @Test
  void bindFailureSaysWhatToDo() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = s -> {
        throw new IOException("Address already in use");
      };

      CliHarness.Result r = cli.run("coordinator", "--port", "7070", "--client-auth", "none");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
      assertThat(r.err().strip()).isEqualTo("cannot start the coordinator on 127.0.0.1:7070: Address already in use"
          + " (is another coordinator running there? choose another --port)");
    }
  }

  @Test
  void unknownSchedulerIsAUsageError() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      CliHarness.Result r = cli.run("coordinator", "--scheduler", "mesos");

      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("--scheduler").contains("mesos");
    }
  }

  @Test
  void kubernetesSchedulerFlagsAreCheckedBeforeAnythingStarts() throws Exception {
    try (CliHarness cli = new CliHarness()) {
      AtomicInteger started = new AtomicInteger();
      cli.coordinators = s -> {
        started.incrementAndGet();
        throw new IOException("not started in this test");
      };

      CliHarness.Result noImage = cli.run("coordinator", "--scheduler", "kubernetes", "--advertise-address", "rm:7070");
      assertThat(noImage.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(noImage.err()).contains("--k8s-worker-image IMAGE");

      CliHarness.Result noAddress = cli.run("coordinator", "--scheduler", "kubernetes", "--host", "0.0.0.0",
          "--k8s-worker-image", "w:1");
      assertThat(noAddress.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(noAddress.err()).contains("needs --advertise-address HOST:PORT");

      CliHarness.Result badPolicy = cli.run("coordinator", "--scheduler", "kubernetes", "--advertise-address",
          "rm:7070", "--k8s-worker-image", "w:1", "--k8s-image-pull-policy", "Sometimes", "--k8s-namespace", "ml");
      assertThat(badPolicy.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(badPolicy.err()).contains("--k8s-image-pull-policy must be Always, IfNotPresent or Never");

      CliHarness.Result badTenant = cli.run("coordinator", "--scheduler", "kubernetes", "--advertise-address",
          "rm:7070", "--k8s-worker-image", "w:1", "--k8s-namespace", "ml", "--k8s-training-job-tenant", "Team_A");
      assertThat(badTenant.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(badTenant.err()).contains("--k8s-training-job-tenant must be a tenant").contains("'Team_A'");

      CliHarness.Result badAddress = cli.run("coordinator", "--advertise-address", "no-port");
      assertThat(badAddress.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(badAddress.err()).contains("--advertise-address must be HOST:PORT");
      assertThat(started.get()).isZero();
    }
  }

  @Test
  void kubernetesChosenInTheConfigFileWithoutItsFlagsIsAUsageErrorNamingTheSetting(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("coordinator.yaml");
    java.nio.file.Files.writeString(file, "server: {scheduler: kubernetes, port: 7000}\n");
    try (CliHarness cli = new CliHarness()) {
      AtomicInteger started = new AtomicInteger();
      cli.coordinators = s -> {
        started.incrementAndGet();
        throw new IOException("not started in this test");
      };
      CliHarness.Result r = cli.run("coordinator", "--config", file.toString());
      assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("server.scheduler: kubernetes (in " + file + ") needs --k8s-worker-image IMAGE");
      assertThat(started.get()).isZero();
    }
  }

  @Test
  void advertiseAddressReachesTheLauncherForAnyScheduler() throws Exception {
    AtomicReference<CoordinatorLauncher.Settings> settings = new AtomicReference<>();
    try (CliHarness cli = new CliHarness()) {
      cli.coordinators = s -> {
        settings.set(s);
        throw new IOException("not started in this test");
      };
      cli.run("coordinator", "--scheduler", "external", "--advertise-address", "coordinator.example:7070",
          "--client-auth", "none");
      assertThat(settings.get().scheduler()).isEqualTo(SchedulerKind.EXTERNAL);
      assertThat(settings.get().customize()).isNotSameAs(CoordinatorLauncher.Settings.AS_IS);
    }
  }
}
