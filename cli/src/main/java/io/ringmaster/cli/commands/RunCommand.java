package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.CoordinatorAddress;
import io.ringmaster.cli.client.CoordinatorCallException;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.Fmt;
import io.ringmaster.cli.render.RunSummary;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.cli.support.ShutdownHooks;
import io.ringmaster.cli.support.SpecLoader;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringmaster run JOB.yaml}: starts a coordinator in this JVM on 127.0.0.1 (a free port) with the
 * local scheduler, submits the job to it over gRPC, follows it to the end and stops the coordinator.
 * Ctrl-C cancels the job and stops its workers.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Train a job on this machine (embedded coordinator, local workers).",
        "Starts a coordinator in this process, which launches one worker JVM per",
        "rank, and follows the job: one line per epoch and a live progress bar.",
        "Ctrl-C cancels the job."})
final class RunCommand implements Callable<Integer> {
  /** How long Ctrl-C waits for the cancellation to be acknowledged and the stream to end. */
  static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(10);

  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job file (see examples/).")
  Path jobFile;

  @Mixin
  SpecOverrides overrides;

  @Option(names = "--summary", paramLabel = "FILE",
      description = "Also write a JSON summary (spec, per-epoch metrics, workers, model path) to FILE.")
  Path summary;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "Where job directories (logs, model) go (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Run the embedded coordinator and its workers on TLS"
      + " (every channel, the ring included) with this certificate; needs --tls-key and --tls-ca (default: plaintext"
      + " on loopback). For measuring the cost of TLS (bench/tls.sh).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key.")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "The CA bundle every component trusts.")
  Path tlsCa;

  /** Plaintext, or TLS for the embedded coordinator, its workers and this command's channel. */
  private io.ringmaster.job.security.TransportSecurity security;

  RunCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    JobSpec spec = SpecLoader.load(jobFile, overrides::apply);
    try {
      security = io.ringmaster.job.security.TransportSecurity.of(
          io.ringmaster.job.security.TlsFiles.fromOptions(tlsCert, tlsKey, tlsCa, true, "--tls-"));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    CoordinatorLauncher.Running coordinator = startCoordinator();
    try {
      CoordinatorAddress address = new CoordinatorAddress("127.0.0.1", coordinator.port());
      try (JobClient client = new JobClient(context.channels().open(address, security), address)) {
        Job submitted = client.submit(spec);
        context.out().println("Submitted job " + submitted.getId() + " to the embedded coordinator at " + address
            + " (job files under " + dataDir.toAbsolutePath().normalize() + ")");
        CountDownLatch finished = new CountDownLatch(1);
        Job last;
        ShutdownHooks.Registration hook = context.shutdownHooks().register("ringmaster-run-cancel",
            () -> cancelOnExit(client, submitted.getId(), finished, coordinator));
        try {
          last = new JobFollower(context).follow(client, submitted.getId());
        } finally {
          finished.countDown();
          hook.close();
        }
        if (summary != null) {
          writeSummary(last);
        }
        return JobFollower.exitCode(last);
      }
    } finally {
      coordinator.close();
    }
  }

  private CoordinatorLauncher.Running startCoordinator() {
    try {
      return context.coordinators().start(security.isTls()
          ? new CoordinatorLauncher.Settings("127.0.0.1", 0, dataDir, SchedulerKind.LOCAL, false,
              io.ringmaster.coordinator.config.CoordinatorConfig.DEFAULTS, b -> b.security(security))
          : new CoordinatorLauncher.Settings("127.0.0.1", 0, dataDir, SchedulerKind.LOCAL, false));
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot start the embedded coordinator (data dir "
          + dataDir.toAbsolutePath() + "): " + e.getMessage());
    }
  }

  /** Shutdown hook: cancel the job, let the stream report it, then stop the coordinator and its workers. */
  private void cancelOnExit(JobClient client, String jobId, CountDownLatch finished,
      CoordinatorLauncher.Running coordinator) {
    if (finished.getCount() == 0) {
      return;
    }
    context.err().println();
    context.err().println("Interrupted: cancelling job " + jobId + " and stopping its workers...");
    try {
      Job j = client.cancel(jobId, CANCEL_TIMEOUT);
      if (!Fmt.isTerminal(j.getState())) {
        context.err().println("The coordinator did not confirm the cancellation (job is " + Fmt.state(j.getState())
            + "); stopping it anyway.");
      }
      finished.await(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (CoordinatorCallException e) {
      e.lines().forEach(context.err()::println);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      coordinator.close();
      context.err().flush();
    }
  }

  private void writeSummary(Job job) {
    try {
      Path parent = summary.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(summary, RunSummary.toJson(job));
      context.out().println("Summary written to " + summary);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write the summary to " + summary.toAbsolutePath() + ": " + e);
    }
  }
}
