package io.ringmaster.cli.support;

import java.util.Locale;

/**
 * Chooses the logging set-up before anything logs. The CLI's logback configuration ({@value #CONFIG})
 * writes to stderr at level WARN, so that log lines do not mix with the progress output; INFO for the
 * long-running {@code coordinator} and {@code worker}. {@code worker} keeps a {@code logback.xml} of its
 * own if one is on the classpath. Override the level with {@code RINGMASTER_LOG_LEVEL} or {@code
 * -Dringmaster.log.level}, the whole file with {@code -Dlogback.configurationFile}.
 */
public final class LogConfig {
  static final String CONFIG = "io/ringmaster/cli/logback-cli.xml";
  static final String LEVEL_PROPERTY = "ringmaster.log.level";

  private LogConfig() {}

  public static void apply(String[] args) {
    String command = firstCommand(args);
    boolean daemon = "coordinator".equals(command) || "worker".equals(command);
    if ("worker".equals(command) && LogConfig.class.getClassLoader().getResource("logback.xml") != null) {
      return;
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", CONFIG);
    }
    if (System.getProperty(LEVEL_PROPERTY) == null) {
      String env = System.getenv("RINGMASTER_LOG_LEVEL");
      String level = env != null && !env.isBlank() ? env.trim().toUpperCase(Locale.ROOT) : daemon ? "INFO" : "WARN";
      System.setProperty(LEVEL_PROPERTY, level);
    }
  }

  /** The first argument that is not an option, i.e. the subcommand; null if none. */
  static String firstCommand(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }
}
