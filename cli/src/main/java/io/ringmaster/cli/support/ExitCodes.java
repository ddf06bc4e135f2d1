package io.ringmaster.cli.support;

/** The process exit codes of every {@code ringmaster} command. */
public final class ExitCodes {
  /** Success; for commands that follow a job, the job SUCCEEDED. */
  public static final int OK = 0;
  /** The job failed or was cancelled, or something went wrong (coordinator unreachable, I/O error). */
  public static final int FAILED = 1;
  /** Bad usage (unknown option, bad value) or a job spec that does not validate. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
