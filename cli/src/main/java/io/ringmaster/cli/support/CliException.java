package io.ringmaster.cli.support;

import java.util.List;

/**
 * An expected failure of a command: {@link Cli} prints {@link #lines()} to stderr, one per line, with no
 * stack trace, and exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final List<String> lines;

  public CliException(int exitCode, List<String> lines) {
    super(String.join("\n", lines));
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a CLI error needs at least one line of explanation");
    }
    this.exitCode = exitCode;
    this.lines = List.copyOf(lines);
  }

  public CliException(int exitCode, String line) {
    this(exitCode, List.of(line));
  }

  public int exitCode() {
    return exitCode;
  }

  public List<String> lines() {
    return lines;
  }
}
