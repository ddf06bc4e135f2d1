package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.CoordinatorAddress;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.support.CliContext;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --coordinator HOST:PORT} for the client commands; defaults to $RINGMASTER_COORDINATOR or localhost:7070. */
final class CoordinatorOption {
  static final String ENV = "RINGMASTER_COORDINATOR";

  @Option(names = "--coordinator", paramLabel = "HOST:PORT", converter = AddressConverter.class,
      defaultValue = "${env:" + ENV + ":-localhost:7070}",
      description = "Coordinator to talk to (default: ${DEFAULT-VALUE}; set $" + ENV + " to change it).")
  CoordinatorAddress address;

  /** A client for the chosen coordinator; close it when done. */
  JobClient connect(CliContext context) {
    try {
      return new JobClient(context.channels().openWithToken(address), address);
    } catch (io.ringmaster.cli.client.ClientToken.BadTokenSourceException e) {
      throw new io.ringmaster.cli.support.CliException(io.ringmaster.cli.support.ExitCodes.USAGE, e.getMessage());
    }
  }

  /** Parses {@code HOST:PORT} with {@link CoordinatorAddress#parse}. */
  static final class AddressConverter implements CommandLine.ITypeConverter<CoordinatorAddress> {
    @Override
    public CoordinatorAddress convert(String value) {
      try {
        return CoordinatorAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
