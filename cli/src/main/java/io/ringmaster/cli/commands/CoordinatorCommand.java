package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.CoordinatorAddress;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.cli.support.ShutdownHooks;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ringmaster coordinator}: serves jobs until the process is stopped. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = {"Run a coordinator until stopped (Ctrl-C).",
        "Clients submit jobs to it. With --scheduler local it launches worker JVMs",
        "on this machine; with external it waits for workers started with",
        "'ringmaster worker --coordinator HOST:PORT'."})
final class CoordinatorCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 accepts remote clients and workers (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + CoordinatorAddress.DEFAULT_PORT,
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "Where the job store and job directories (logs, models) live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--scheduler", paramLabel = "local|external", defaultValue = "local",
      description = "How workers are obtained: local (worker JVMs launched here) or external (workers"
          + " attach by themselves) (default: ${DEFAULT-VALUE}).")
  SchedulerKind scheduler;

  CoordinatorCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new CliException(ExitCodes.USAGE, "--port must be in 0..65535, got " + port);
    }
    CoordinatorLauncher.Running coordinator;
    try {
      coordinator = context.coordinators().start(new CoordinatorLauncher.Settings(host, port, dataDir, scheduler, true));
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot start the coordinator on " + host + ":" + port + ": "
          + e.getMessage() + (port == 0 ? "" : " (is another coordinator running there? choose another --port)"));
    }
    ShutdownHooks.Registration hook =
        context.shutdownHooks().register("ringmaster-coordinator-stop", coordinator::close);
    try {
      String address = host + ":" + coordinator.port();
      context.out().println("Coordinator listening on " + address + " (scheduler "
          + scheduler.name().toLowerCase(Locale.ROOT) + ", data dir " + dataDir.toAbsolutePath().normalize() + ")");
      context.out().println("Submit jobs with: ringmaster submit JOB.yaml --coordinator " + address);
      context.out().flush();
      coordinator.awaitTermination();
    } finally {
      hook.close();
      coordinator.close();
    }
    return ExitCodes.OK;
  }
}
