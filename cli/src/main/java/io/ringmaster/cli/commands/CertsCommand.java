package io.ringmaster.cli.commands;

import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.job.security.DevCertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster certs}: a development CA and a certificate for a set of host names and IP addresses,
 * usable by a coordinator, a worker or a client (server and client usage), written into a directory with
 * the keys readable by their owner only. A CA already in the directory is reused, so certificates for more
 * hosts can be added later and all trust each other.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = {"Make a development CA and a TLS certificate for the given hosts (for coordinators, workers",
        "and clients alike; keys get mode 0600). Reuses the CA already in --out. For production use your own",
        "CA or cert-manager (docs/SECURITY.md)."})
final class CertsCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for ca.pem, ca-key.pem,"
      + " NAME.pem and NAME-key.pem.")
  Path out;

  @Option(names = "--host", paramLabel = "NAME-OR-IP", required = true,
      description = "A host name or IP address the certificate is valid for (what clients and peers dial);"
          + " repeat or separate by commas.", split = ",")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "node",
      description = "Base name of the certificate files (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--days", paramLabel = "DAYS", defaultValue = "365",
      description = "Validity of the certificate, in days (default: ${DEFAULT-VALUE}); the CA gets 10 times that.")
  int days;

  @Option(names = "--no-loopback", negatable = false,
      description = "Do not add localhost and 127.0.0.1 (added by default: local workers and clients use them).")
  boolean noLoopback;

  CertsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (days < 1 || days > 36_500) {
      throw new CliException(ExitCodes.USAGE, "--days must be in 1..36500, got " + days);
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new CliException(ExitCodes.USAGE, "--name must be letters, digits, '.', '_' or '-' (a file name), got '"
          + name + "'");
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    hosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(names::add);
    if (!noLoopback) {
      names.add("localhost");
      names.add("127.0.0.1");
    }
    try {
      Files.createDirectories(out);
      DevCertificateAuthority ca;
      boolean reused = Files.exists(out.resolve("ca.pem")) && Files.exists(out.resolve("ca-key.pem"));
      if (reused) {
        ca = DevCertificateAuthority.load(out, context.clock());
      } else {
        ca = DevCertificateAuthority.create("Ringmaster development CA", Duration.ofDays(10L * days), context.clock());
        ca.write(out);
      }
      Path cert = ca.issue(name, List.copyOf(names), Duration.ofDays(days)).write(out, name);
      Path key = out.resolve(name + "-key.pem");
      Path caFile = out.resolve("ca.pem");
      context.out().println((reused ? "Reused the CA in " : "Made a development CA in ") + caFile);
      context.out().println("Certificate " + cert + " (key " + key + ", mode 0600) for " + String.join(", ", names)
          + ", valid " + days + " days");
      context.out().println("Use it with:  --tls-cert " + cert + " --tls-key " + key + " --tls-ca " + caFile);
      context.out().println("Clients need only:  --tls-ca " + caFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.FAILED, "cannot make certificates in " + out + ": " + e.getMessage());
    }
    return ExitCodes.OK;
  }
}
