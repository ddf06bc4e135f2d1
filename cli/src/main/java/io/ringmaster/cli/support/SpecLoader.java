package io.ringmaster.cli.support;

import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.Violation;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Reads a job file with the command-line overrides applied, resolved once (defaults filled in, values
 * validated) before anything starts. A bad spec becomes a {@link CliException} with exit code 2 and one line
 * per violation ({@code spec.field: message}). The coordinator validates again what only it can check
 * (files, model against the data, its own limits).
 */
public final class SpecLoader {
  private SpecLoader() {}

  /**
   * The resolved spec of {@code jobFile}, in proto form, with {@code overrides} applied to the spec as given.
   *
   * @throws CliException (exit code 2) listing every violation
   */
  public static io.ringmaster.proto.v1.JobSpec load(Path jobFile, UnaryOperator<JobSpec> overrides) {
    try {
      return SpecProtos.toProto(JobSpecYaml.read(jobFile, overrides));
    } catch (InvalidSpecException e) {
      throw new CliException(ExitCodes.USAGE, e.violations().stream().map(Violation::toString).toList());
    }
  }
}
