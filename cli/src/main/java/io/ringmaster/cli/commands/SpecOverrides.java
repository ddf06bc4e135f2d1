package io.ringmaster.cli.commands;

import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.job.spec.JobSpec;
import picocli.CommandLine.Option;

/** {@code --workers N} and {@code --epochs E}: override the job file's values. */
final class SpecOverrides {
  @Option(names = "--workers", paramLabel = "N", description = "Number of worker processes (overrides the job file).")
  Integer workers;

  @Option(names = "--epochs", paramLabel = "E", description = "Number of epochs (overrides the job file).")
  Integer epochs;

  /** The spec as given with the overrides applied; it is resolved (and validated) afterwards. */
  JobSpec apply(JobSpec spec) {
    if (workers != null && workers < 1) {
      throw new CliException(ExitCodes.USAGE, "--workers must be >= 1, got " + workers);
    }
    if (epochs != null && epochs < 1) {
      throw new CliException(ExitCodes.USAGE, "--epochs must be >= 1, got " + epochs);
    }
    JobSpec s = spec;
    if (workers != null) {
      s = s.withWorkers(workers);
    }
    if (epochs != null) {
      s = s.withEpochs(epochs);
    }
    return s;
  }
}
