package io.ringmaster.cli;

import io.ringmaster.cli.client.ChannelFactory;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Objects;

/**
 * What commands need from the outside world, gathered so that tests can replace each part.
 *
 * @param out normal output (epoch lines, tables, job ids)
 * @param err errors and failure reports
 * @param terminal whether {@code out} is an interactive terminal (progress bars redrawn in place)
 * @param clock paces progress output and gives the zone for timestamps
 * @param channels opens gRPC channels to coordinators
 * @param coordinators starts coordinators ({@code run}, {@code coordinator})
 * @param shutdownHooks runs clean-up on Ctrl-C ({@code run} cancels its job, {@code coordinator} stops)
 */
public record CliContext(PrintStream out, PrintStream err, boolean terminal, Clock clock,
    ChannelFactory channels, CoordinatorLauncher coordinators, ShutdownHooks shutdownHooks) {

  public CliContext {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(coordinators, "coordinators");
    Objects.requireNonNull(shutdownHooks, "shutdownHooks");
  }

  /** The real process: System.out/err, a terminal when {@code System.console()} exists, TCP channels. */
  public static CliContext system() {
    return new CliContext(System.out, System.err, System.console() != null, Clock.systemDefaultZone(),
        ChannelFactory.plaintext(), CoordinatorLauncher.inProcess(), ShutdownHooks.runtime());
  }
}
