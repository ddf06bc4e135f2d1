package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.JobTable;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster list}: every job the coordinator knows, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the coordinator's jobs, newest first.",
        "Columns: id, name, state, epochs done/total (with the current epoch's",
        "progress while running), latest test accuracy, creation time.",
        "Pages through the coordinator's listing; --state narrows it."})
final class ListCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin
  CoordinatorOption coordinator;

  @Option(names = "--state", paramLabel = "STATE", split = ",", converter = StateConverter.class,
      description = "Only jobs in these states (QUEUED, STARTING, RUNNING, RECOVERING, SUCCEEDED, FAILED,"
          + " CANCELLED); repeat or separate with commas.")
  List<JobState> states = new ArrayList<>();

  /** A state by its short name ({@code failed}) or the proto's. */
  static final class StateConverter implements picocli.CommandLine.ITypeConverter<JobState> {
    @Override
    public JobState convert(String value) {
      return io.ringmaster.job.JobState.parseProto(value).filter(s -> s != JobState.JOB_STATE_UNSPECIFIED)
          .orElseThrow(() -> new picocli.CommandLine.TypeConversionException("not a job state: '" + value
              + "'; use QUEUED, STARTING, RUNNING, RECOVERING, SUCCEEDED, FAILED or CANCELLED"));
    }
  }

  ListCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (JobClient client = coordinator.connect(context)) {
      List<Job> jobs = client.list(states);
      if (jobs.isEmpty()) {
        context.out().println("No jobs on the coordinator at " + client.address() + ".");
      } else {
        context.out().print(JobTable.render(jobs, context.clock().getZone()));
      }
      context.out().flush();
      return ExitCodes.OK;
    }
  }
}
