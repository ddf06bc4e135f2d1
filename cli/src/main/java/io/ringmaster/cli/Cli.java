package io.ringmaster.cli;

import io.ringmaster.cli.client.CoordinatorCallException;
import io.ringmaster.cli.commands.RingmasterCommand;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.ContextFactory;
import io.ringmaster.cli.support.ExitCodes;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;

/** Builds the {@code ringmaster} command tree for a {@link CliContext} and runs it. */
public final class Cli {
  private Cli() {}

  /** The configured command line: output to the context's streams, errors mapped to exit codes. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine cmd = new CommandLine(RingmasterCommand.class, new ContextFactory(context));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setOut(new PrintWriter(context.out(), true, Charset.defaultCharset()));
    cmd.setErr(new PrintWriter(context.err(), true, Charset.defaultCharset()));
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      context.out().flush();
      int code = report(ex, context);
      context.err().flush();
      return code;
    });
    return cmd;
  }

  /** Runs {@code ringmaster ARGS...}; returns the exit code. */
  public static int execute(CliContext context, String... args) {
    return commandLine(context).execute(args);
  }

  private static int report(Exception ex, CliContext context) {
    if (ex instanceof CliException e) {
      e.lines().forEach(context.err()::println);
      return e.exitCode();
    }
    if (ex instanceof CoordinatorCallException e) {
      e.lines().forEach(context.err()::println);
      return e.isRejectedRequest() ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
    context.err().println("ringmaster: unexpected error: " + ex);
    ex.printStackTrace(context.err());
    return ExitCodes.FAILED;
  }
}
