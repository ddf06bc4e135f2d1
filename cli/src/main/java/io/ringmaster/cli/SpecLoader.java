package io.ringmaster.cli;

import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecValidator;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.Violation;
import java.nio.file.Path;

/**
 * Reads a job file, applies the command-line overrides and validates the result. A bad spec becomes a
 * {@link CliException} with exit code 2 and one line per violation ({@code spec.field: message}).
 */
final class SpecLoader {
  private SpecLoader() {}

  static io.ringmaster.proto.v1.JobSpec load(Path jobFile, SpecOverrides overrides) {
    try {
      JobSpec spec = overrides.apply(JobSpecYaml.read(jobFile));
      return SpecProtos.toProto(JobSpecValidator.requireValid(spec));
    } catch (InvalidSpecException e) {
      throw new CliException(ExitCodes.USAGE, e.violations().stream().map(Violation::toString).toList());
    }
  }
}
