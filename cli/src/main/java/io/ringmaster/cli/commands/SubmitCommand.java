package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.DatasetClient;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.support.DataUploads;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.cli.support.SpecLoader;
import io.ringmaster.proto.v1.Job;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ringmaster submit JOB.yaml}: submits a job to a running coordinator and prints its id. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit a job to a running coordinator and print its id.",
        "Relative data paths in the job file are resolved against the file's",
        "directory on this machine. Data files the coordinator cannot see (it is",
        "asked) are uploaded to it first, with a progress line; its workers fetch",
        "them from it. Use --no-upload to send the paths as they are."})
final class SubmitCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job file (see examples/).")
  Path jobFile;

  @Mixin
  SpecOverrides overrides;

  @Option(names = "--watch", description = "Follow the job until it ends, like 'ringmaster watch'.")
  boolean watch;

  @Mixin
  CoordinatorOption coordinator;

  @Option(names = "--no-upload", description = "Never upload data files; the coordinator must see the paths.")
  boolean noUpload;

  SubmitCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    var spec = SpecLoader.load(jobFile, overrides::apply);
    try (JobClient client = coordinator.connect(context)) {
      if (!noUpload) {
        spec = DataUploads.prepare(spec, DatasetClient.of(client), context.err());
      }
      Job job = client.submit(spec);
      context.out().println(job.getId());
      if (!watch) {
        return ExitCodes.OK;
      }
      return JobFollower.exitCode(new JobFollower(context).follow(client, job.getId()));
    }
  }
}
