package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.Fmt;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ringmaster cancel JOB_ID}: stops a job and its workers (idempotent). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancel a job and stop its workers. A job that already ended is left as it is.")
final class CancelCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id (from submit or list).")
  String jobId;

  @Mixin
  CoordinatorOption coordinator;

  CancelCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (JobClient client = coordinator.connect(context)) {
      Job job = client.cancel(jobId);
      if (job.getState() == JobState.JOB_STATE_CANCELLED) {
        context.out().println("Job " + job.getId() + " cancelled.");
      } else if (Fmt.isTerminal(job.getState())) {
        context.out().println("Job " + job.getId() + " had already ended: " + Fmt.state(job.getState()) + ".");
      } else {
        context.out().println("Job " + job.getId() + " is being cancelled (now " + Fmt.state(job.getState()) + ").");
      }
      context.out().flush();
      return ExitCodes.OK;
    }
  }
}
