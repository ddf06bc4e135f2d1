package io.ringmaster.cli.commands;

import io.ringmaster.worker.WorkerCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ringmaster}: the top-level command; does nothing itself but list its subcommands. */
@Command(name = "ringmaster", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Distributed data-parallel training of DL4J models (ring all-reduce).",
        "",
        "Train on this machine:",
        "  ringmaster run examples/fashion-mlp.yaml --workers 2",
        "Or run a coordinator and send it jobs:",
        "  ringmaster coordinator",
        "  ringmaster submit examples/fashion-mlp.yaml --watch",
        ""},
    footer = {"", "Exit codes: 0 ok, 1 job failed or error, 2 bad usage or bad job spec.",
        "Client commands talk to --coordinator HOST:PORT",
        "(default localhost:7070, or $RINGMASTER_COORDINATOR)."},
    subcommands = {
        RunCommand.class,
        CalibrateNd4jCommand.class,
        CoordinatorCommand.class,
        WorkerCommand.class,
        SubmitCommand.class,
        StatusCommand.class,
        WatchCommand.class,
        ListCommand.class,
        CancelCommand.class,
        DatasetsCommand.class,
        DownloadCommand.class,
        DeleteCommand.class,
        AuditCommand.class,
        CertsCommand.class,
        CommandLine.HelpCommand.class})
public final class RingmasterCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing a command: try 'ringmaster run JOB.yaml' or 'ringmaster --help'.");
  }
}
