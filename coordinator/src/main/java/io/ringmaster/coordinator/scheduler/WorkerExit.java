package io.ringmaster.coordinator.scheduler;

import java.nio.file.Path;
import java.util.List;

/**
 * A worker process that exited.
 *
 * @param exitCode the process exit code; 128 + n when killed by signal n (137 = SIGKILL)
 * @param logTail the last lines of its log, oldest first
 */
public record WorkerExit(String jobId, int slot, long pid, int exitCode, Path logPath, List<String> logTail) {
  public WorkerExit {
    logTail = List.copyOf(logTail);
  }

  /** "exit code 137 (SIGKILL)" and the like. */
  public String describeExit() {
    String signal = switch (exitCode) {
      case 130 -> " (SIGINT)";
      case 134 -> " (SIGABRT)";
      case 137 -> " (SIGKILL)";
      case 139 -> " (SIGSEGV)";
      case 143 -> " (SIGTERM)";
      default -> "";
    };
    return "exit code " + exitCode + signal;
  }
}
