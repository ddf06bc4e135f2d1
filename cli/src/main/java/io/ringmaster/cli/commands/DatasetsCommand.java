package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.DatasetClient;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.DatasetTable;
import io.ringmaster.cli.render.TransferProgress;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.DataUploads;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ringmaster datasets ls|push|rm}: the datasets stored on a coordinator. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
    description = {"Datasets stored on the coordinator (content-addressed: the same bytes are stored once).",
        "A job names one with data.train.dataset (and labelsDataset for IDX labels),",
        "by name or SHA-256. With client tokens each tenant sees only its own datasets",
        "(admins every tenant's, and may name another tenant's as TENANT/NAME)."},
    subcommands = {DatasetsCommand.Ls.class, DatasetsCommand.Push.class, DatasetsCommand.Rm.class})
final class DatasetsCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing a command: ringmaster datasets ls | push FILE... [--name NAME] | rm NAME");
  }

  /** {@code ringmaster datasets ls}. */
  @Command(name = "ls", mixinStandardHelpOptions = true,
      description = "List the stored datasets (your tenant's; admins: every tenant's, with a TENANT column).")
  static final class Ls implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    CoordinatorOption coordinator;

    Ls(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      try (JobClient client = coordinator.connect(context)) {
        List<Dataset> all = DatasetClient.of(client).list();
        context.out().print(all.isEmpty() ? "No datasets on the coordinator at " + client.address() + ".\n"
            : DatasetTable.render(all));
        context.out().flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code ringmaster datasets push FILE... [--name NAME]}. */
  @Command(name = "push", mixinStandardHelpOptions = true,
      description = {"Upload data files (IDX images, IDX labels or CSV, gzipped or not), one after the other.",
          "An interrupted upload resumes where it stopped; bytes already stored are not sent again."})
  static final class Push implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--name", description = "Name of the dataset, for a single FILE (default: the file's name).")
    String name;

    @Mixin
    CoordinatorOption coordinator;

    Push(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (name != null && files.size() > 1) {
        throw new CliException(ExitCodes.USAGE, "--name names one dataset but " + files.size() + " files were"
            + " given; push them one by one to name each, or leave --name out to name them by their file names");
      }
      for (Path file : files) {
        if (!Files.isRegularFile(file)) {
          throw new CliException(ExitCodes.USAGE, "no such file " + file.toAbsolutePath());
        }
      }
      try (JobClient client = coordinator.connect(context)) {
        for (Path file : files) {
          String n = name != null ? name : DataUploads.datasetName(file);
          TransferProgress progress = new TransferProgress(context.err(), "uploading " + file.getFileName(),
              Files.size(file));
          Dataset d = DatasetClient.of(client).push(file, n, progress);
          progress.done();
          context.out().print(DatasetTable.render(List.of(d)));
          context.out().println("sha256 " + d.getSha256());
          context.out().flush();
        }
        return ExitCodes.OK;
      }
    }
  }

  /** {@code ringmaster datasets rm NAME}. */
  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = {"Delete a dataset (by name or SHA-256) and every name of your tenant for the same bytes.",
          "Refused while a job of your tenant that has not finished uses it.",
          "Admins: TENANT/NAME deletes for that tenant, a SHA-256 for every tenant."})
  static final class Rm implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "NAME")
    String dataset;

    @Mixin
    CoordinatorOption coordinator;

    Rm(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      try (JobClient client = coordinator.connect(context)) {
        Dataset d = DatasetClient.of(client).delete(dataset);
        context.out().println("Deleted dataset " + dataset + " (sha256 " + d.getSha256() + ", "
            + d.getSizeBytes() + " bytes).");
        context.out().flush();
        return ExitCodes.OK;
      }
    }
  }
}
