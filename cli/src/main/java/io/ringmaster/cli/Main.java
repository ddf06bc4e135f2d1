package io.ringmaster.cli;

import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.LogConfig;

/** The {@code ringmaster} program: {@code java -cp 'ringmaster-cli.jar:lib/*' io.ringmaster.cli.Main ...}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LogConfig.apply(args);
    System.exit(Cli.execute(CliContext.system(), args));
  }
}
