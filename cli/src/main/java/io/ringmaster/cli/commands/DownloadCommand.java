package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.DatasetClient;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.FileHeader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ringmaster download JOB_ID -o model.zip}: saves a finished job's model from the coordinator. */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = {"Download a job's trained model (DL4J ModelSerializer zip with provenance.json inside).",
        "The file is checked against its SHA-256 and written atomically."})
final class DownloadCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB_ID")
  String jobId;

  @Option(names = {"-o", "--output"}, defaultValue = "model.zip",
      description = "Where to save it (default: ${DEFAULT-VALUE}).")
  Path output;

  @Mixin
  CoordinatorOption coordinator;

  DownloadCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    try (JobClient client = coordinator.connect(context)) {
      FileHeader h = DatasetClient.of(client).downloadModel(jobId, output.toAbsolutePath(), n -> { });
      context.out().println("Saved the model of job " + jobId + " to " + output + " (" + h.getSizeBytes()
          + " bytes, sha256 " + h.getSha256() + ").");
      context.out().flush();
      return ExitCodes.OK;
    }
  }
}
