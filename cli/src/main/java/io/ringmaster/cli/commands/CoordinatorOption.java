package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.CoordinatorAddress;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.job.security.ExposureCheck;
import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --coordinator HOST:PORT} for the client commands (defaults to $RINGMASTER_COORDINATOR or
 * localhost:7070), and how to secure the connection: {@code --tls-ca} (the CA the coordinator's certificate
 * must chain to; its host name is checked too), optionally a client certificate, or {@code --insecure} for
 * plaintext to anything but loopback.
 */
final class CoordinatorOption {
  static final String ENV = "RINGMASTER_COORDINATOR";

  @Option(names = "--coordinator", paramLabel = "HOST:PORT", converter = AddressConverter.class,
      defaultValue = "${env:" + ENV + ":-localhost:7070}",
      description = "Coordinator to talk to (default: ${DEFAULT-VALUE}; set $" + ENV + " to change it).")
  CoordinatorAddress address;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "Use TLS: the CA bundle the coordinator's"
      + " certificate must chain to (default: $" + TlsFiles.ENV_CA + ").")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "A client certificate to present (optional;"
      + " default: $" + TlsFiles.ENV_CERT + ").")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (default: $" + TlsFiles.ENV_KEY + ").")
  Path tlsKey;

  @Option(names = "--insecure", description = "Talk plaintext to a coordinator that is not on loopback (anyone on"
      + " the network can read and alter what is sent).")
  boolean insecure;

  /** A client for the chosen coordinator; close it when done. */
  JobClient connect(CliContext context) {
    TransportSecurity security = security();
    try {
      return new JobClient(context.channels().openWithToken(address, security), address);
    } catch (io.ringmaster.job.security.ClientToken.BadTokenSourceException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
  }

  /** Plaintext or TLS as the options say; refuses plaintext beyond loopback without --insecure. */
  TransportSecurity security() {
    TransportSecurity security;
    try {
      security = TransportSecurity.of(TlsFiles.fromOptions(orEnv(tlsCert, TlsFiles.ENV_CERT),
          orEnv(tlsKey, TlsFiles.ENV_KEY), orEnv(tlsCa, TlsFiles.ENV_CA), false, "--tls-"));
      ExposureCheck.requireSecureTarget("ringmaster", address.host() + ":" + address.port(), security, insecure);
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    return security;
  }

  private static Path orEnv(Path given, String env) {
    String v = System.getenv(env);
    return given != null ? given : v == null || v.isBlank() ? null : Path.of(v.trim());
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
