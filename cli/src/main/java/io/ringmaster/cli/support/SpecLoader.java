package io.ringmaster.cli.support;

import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.spec.Violation;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Reads a job file with the command-line overrides applied and checks it (resolved with the built-in
 * defaults, values validated) before anything starts; what is sent is the spec as given, so that the
 * coordinator fills what the user left out with its installation's defaults ({@code jobDefaults}, e.g. a
 * Helm install's worker resources and GPU node selectors). A bad spec becomes a {@link CliException} with exit code 2 and one line
 * per violation ({@code spec.field: message}). The coordinator validates again what only it can check
 * (files, model against the data, its own limits).
 */
public final class SpecLoader {
  private SpecLoader() {}

  /**
   * The spec of {@code jobFile} as given, in proto form, with {@code overrides} applied, once it is known to
   * resolve.
   *
   * @throws CliException (exit code 2) listing every violation
   */
  public static io.ringmaster.proto.v1.JobSpec load(Path jobFile, UnaryOperator<JobSpec> overrides) {
    try {
      return SpecProtos.toProto(JobSpecYaml.readAsGiven(jobFile, overrides));
    } catch (InvalidSpecException e) {
      throw new CliException(ExitCodes.USAGE, e.violations().stream().map(Violation::toString).toList());
    }
  }
}
