package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.Fmt;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ringmaster delete JOB_ID}: forgets a finished job and removes its files. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = {"Delete a finished job: its record, checkpoints, logs and model.",
        "A queued or running job is refused: cancel it first."})
final class DeleteCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id (from submit or list).")
  String jobId;

  @Mixin
  CoordinatorOption coordinator;

  DeleteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (JobClient client = coordinator.connect(context)) {
      Job job = client.delete(jobId);
      context.out().println("Job " + job.getId() + " (" + Fmt.state(job.getState()) + ") deleted with its files.");
      context.out().flush();
      return ExitCodes.OK;
    }
  }
}
