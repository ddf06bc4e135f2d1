package io.ringmaster.cli.support;

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
 * @param columns width of that terminal in characters
 * @param clock paces progress output and gives the zone for timestamps
 * @param channels opens gRPC channels to coordinators
 * @param coordinators starts coordinators ({@code run}, {@code coordinator})
 * @param shutdownHooks runs clean-up on Ctrl-C ({@code run} cancels its job, {@code coordinator} stops)
 */
public record CliContext(PrintStream out, PrintStream err, boolean terminal, int columns, Clock clock,
    ChannelFactory channels, CoordinatorLauncher coordinators, ShutdownHooks shutdownHooks) {

  public CliContext {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(coordinators, "coordinators");
    Objects.requireNonNull(shutdownHooks, "shutdownHooks");
    if (columns < 20) {
      columns = DEFAULT_COLUMNS;
    }
  }

  /** Terminal width when it is not known. */
  public static final int DEFAULT_COLUMNS = 80;

  /**
   * The real process: System.out/err, a terminal when {@code System.console()} exists (width from
   * {@code -Dringmaster.columns}, which ./ringmaster sets, or {@code $COLUMNS}), TCP channels.
   */
  public static CliContext system() {
    return new CliContext(System.out, System.err, System.console() != null, detectColumns(), Clock.systemDefaultZone(),
        ChannelFactory.plaintext(), CoordinatorLauncher.inProcess(), ShutdownHooks.runtime());
  }

  private static int detectColumns() {
    String c = System.getProperty("ringmaster.columns", System.getenv("COLUMNS"));
    try {
      return c == null ? DEFAULT_COLUMNS : Integer.parseInt(c.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_COLUMNS;
    }
  }
}
