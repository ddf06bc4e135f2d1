package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.support.CliContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ringmaster watch JOB_ID}: follows a job to its end; exit code 0 only if it succeeded. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Follow a job until it ends: one line per epoch, live progress.",
        "Exit code 0 if it succeeded, 1 if it failed or was cancelled.",
        "Ctrl-C stops watching, not the job."})
final class WatchCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id (from submit or list).")
  String jobId;

  @Mixin
  CoordinatorOption coordinator;

  WatchCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (JobClient client = coordinator.connect(context)) {
      return JobFollower.exitCode(new JobFollower(context).follow(client, jobId));
    }
  }
}
