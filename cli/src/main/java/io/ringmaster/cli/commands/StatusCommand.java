package io.ringmaster.cli.commands;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.JobStatusView;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ringmaster status JOB_ID}: one job's state, epochs and workers. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a job: state, epochs, workers (rank, address, pid, state, log).")
final class StatusCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id (from submit or list).")
  String jobId;

  @Option(names = "--json", description = "Print the Job message as JSON (protobuf JSON mapping, every field).")
  boolean json;

  @Mixin
  CoordinatorOption coordinator;

  StatusCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    try (JobClient client = coordinator.connect(context)) {
      Job job = client.get(jobId);
      if (json) {
        context.out().println(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(job));
      } else {
        context.out().print(JobStatusView.render(job, context.clock().getZone()));
      }
      context.out().flush();
      return ExitCodes.OK;
    }
  }
}
