package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}: the embedded coordinator is replaced by the scripted service on a real gRPC server on
 * loopback, which the command reaches over TCP like the real one.
 */
class RunCommandTest {
  private CliHarness cli;
  private final List<CoordinatorLauncher.Settings> started = new CopyOnWriteArrayList<>();
  private final List<Server> servers = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    cli = new CliHarness();
    cli.channels = ChannelFactory.plaintext();
    cli.coordinators = settings -> {
      started.add(settings);
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
          .addService(cli.service).build().start();
      servers.add(server);
      return new CoordinatorLauncher.Running() {
        @Override
        public int port() {
          return server.getPort();
        }

        @Override
        public void awaitTermination() throws InterruptedException {
          server.awaitTermination();
        }

        @Override
        public void close() {
          server.shutdownNow();
        }
      };
    };
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cli.close();
  }

  @Test
  void runsTheJobOnAnEmbeddedCoordinatorAndWritesTheSummary(@TempDir Path dir) throws IOException {
    Path job = ClientCommandsTest.writeJob(dir, "workers: 3\nepochs: 5\n");
    Path summary = dir.resolve("out/summary.json");
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_SUCCEEDED, "");

    CliHarness.Result r = cli.run("run", job.toString(), "--workers", "2", "--epochs", "2",
        "--summary", summary.toString(), "--data-dir", dir.resolve("runs").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(started).singleElement().isEqualTo(
        new CoordinatorLauncher.Settings("127.0.0.1", 0, dir.resolve("runs"), SchedulerKind.LOCAL, false));
    assertThat(servers.get(0).isShutdown()).as("the embedded coordinator is stopped").isTrue();
    assertThat(cli.service.submitted).singleElement().satisfies(s -> {
      assertThat(s.getWorkers()).isEqualTo(2);
      assertThat(s.getEpochs()).isEqualTo(2);
      assertThat(s.getName()).isEqualTo("test-job");
    });
    assertThat(r.out()).contains("Submitted job job-1 to the embedded coordinator at 127.0.0.1:")
        .contains("Epoch 1/2  train loss 0.5000  test loss 0.5000  test acc 82.00%  12.3 s  4,870 samples/s  2 workers")
        .contains("Epoch 2/2  train loss 0.4000")
        .contains("Model saved to /runs/job-1/model.zip")
        .contains("Summary written to " + summary);

    JsonNode json = new ObjectMapper().readTree(Files.readString(summary));
    assertThat(json.path("job_id").asText()).isEqualTo("job-1");
    assertThat(json.path("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(json.path("model_path").asText()).isEqualTo("/runs/job-1/model.zip");
    assertThat(json.path("spec").path("workers").asInt()).isEqualTo(2);
    assertThat(json.path("spec").path("updater").path("type").asText()).isEqualTo("adam");
    assertThat(json.path("epochs")).hasSize(2);
    assertThat(json.path("epochs").get(1).path("epoch").asInt()).isEqualTo(2);
    assertThat(json.path("workers").path("count").asInt()).isEqualTo(2);
    assertThat(json.path("workers").path("list").get(1).path("pid").asLong()).isEqualTo(4001);
  }

  @Test
  void ctrlCCancelsTheJobAndStopsTheCoordinator(@TempDir Path dir) throws Exception {
    Path job = ClientCommandsTest.writeJob(dir, "workers: 2\nepochs: 3\n");
    cli.service.holdWatch = true;
    cli.service.script = j -> List.of(TestJobs.event(JobEvent.Kind.SNAPSHOT,
        j.toBuilder().setState(JobState.JOB_STATE_RUNNING).build()));

    CompletableFuture<CliHarness.Result> run = CompletableFuture.supplyAsync(
        () -> cli.run("run", job.toString(), "--data-dir", dir.resolve("runs").toString()));
    assertThat(cli.service.watching.await(30, TimeUnit.SECONDS)).as("the job is being watched").isTrue();
    Runnable onCtrlC = cli.hooks.get("ringmaster-run-cancel");
    assertThat(onCtrlC).as("run registered a shutdown hook").isNotNull();
    onCtrlC.run(); // what the JVM does on Ctrl-C

    CliHarness.Result r = run.get(30, TimeUnit.SECONDS);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(cli.service.cancelled).containsExactly("job-1");
    assertThat(r.err()).contains("Interrupted: cancelling job job-1 and stopping its workers...")
        .contains("Job job-1 was cancelled: cancelled by user");
    assertThat(servers.get(0).isShutdown()).as("the embedded coordinator is stopped").isTrue();
    assertThat(cli.hooks).as("the hook is removed when run returns").isEmpty();
  }

  @Test
  void failedJobStillWritesTheSummaryAndExitsWithOne(@TempDir Path dir) throws IOException {
    Path job = ClientCommandsTest.writeJob(dir, "workers: 2\nepochs: 1\n");
    Path summary = dir.resolve("summary.json");
    cli.service.script = j -> TestJobs.run(j, JobState.JOB_STATE_FAILED, "worker rank 1 died");

    CliHarness.Result r = cli.run("run", job.toString(), "--summary", summary.toString(),
        "--data-dir", dir.resolve("runs").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("Job job-1 FAILED (WorkerLost): worker rank 1 died");
    JsonNode json = new ObjectMapper().readTree(Files.readString(summary));
    assertThat(json.path("state").asText()).isEqualTo("FAILED");
    assertThat(json.path("message").asText()).isEqualTo("worker rank 1 died");
    assertThat(servers.get(0).isShutdown()).isTrue();
  }

  @Test
  void invalidJobFileStartsNoCoordinator(@TempDir Path dir) throws IOException {
    Path job = dir.resolve("bad.yaml");
    Files.writeString(job, "epochs: three\nmodel: {architecture: resnet}\n");

    CliHarness.Result r = cli.run("run", job.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().lines().toList()).contains(
        "spec.epochs: must be an integer, got 'three'",
        "spec.model.architecture: unknown architecture 'resnet': use mlp or lenet, or give model.dl4jJson");
    assertThat(r.err().lines()).allMatch(l -> l.startsWith("spec"));
    assertThat(started).isEmpty();
  }

  @Test
  void rejectedJobStopsTheCoordinatorAndExitsWithTwo(@TempDir Path dir) throws IOException {
    Path job = ClientCommandsTest.writeJob(dir, "workers: 2\nepochs: 1\n");
    cli.service.submitError = io.grpc.Status.INVALID_ARGUMENT
        .withDescription("spec.data.train.path: no such file: " + dir.resolve("train-images.gz"));

    CliHarness.Result r = cli.run("run", job.toString(), "--data-dir", dir.resolve("runs").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().strip()).isEqualTo("spec.data.train.path: no such file: " + dir.resolve("train-images.gz"));
    assertThat(servers.get(0).isShutdown()).isTrue();
  }
}
