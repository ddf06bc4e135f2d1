package io.ringmaster.cli;

/** The {@code ringmaster} program: {@code java -cp 'ringmaster-cli.jar:lib/*' io.ringmaster.cli.Main ...}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LogConfig.apply(args);
    System.exit(Cli.execute(CliContext.system(), args));
  }
}
