package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
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
        "directory on this machine; the coordinator and its workers must see the",
        "same paths."})
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

  SubmitCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    var spec = SpecLoader.load(jobFile, overrides::apply);
    try (JobClient client = coordinator.connect(context)) {
      Job job = client.submit(spec);
      context.out().println(job.getId());
      if (!watch) {
        return ExitCodes.OK;
      }
      return JobFollower.exitCode(new JobFollower(context).follow(client, job.getId()));
    }
  }
}
