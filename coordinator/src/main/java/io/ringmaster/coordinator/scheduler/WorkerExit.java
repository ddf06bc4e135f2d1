package io.ringmaster.coordinator.scheduler;

import java.nio.file.Path;
import java.util.List;

/**
 * A worker process that exited.
 *
 * @param pid the process id, or -1 when the scheduler cannot know it (a pod: the job matches the exit to
 *     its worker by {@code slot})
 * @param exitCode the process exit code; 128 + n when killed by signal n (137 = SIGKILL)
 * @param logPath where its output went (for a pod: how to read it, e.g. {@code kubectl logs ...})
 * @param logTail the last lines of its log, oldest first
 * @param cause what happened in plain words when the scheduler knows more than the exit code (a pod that
 *     was OOM-killed, evicted, could not pull its image); "" when it does not
 */
public record WorkerExit(String jobId, int slot, long pid, int exitCode, Path logPath, List<String> logTail,
    String cause) {
  public WorkerExit {
    logTail = List.copyOf(logTail);
    cause = cause == null ? "" : cause;
  }

  /** An exit the exit code says everything about. */
  public WorkerExit(String jobId, int slot, long pid, int exitCode, Path logPath, List<String> logTail) {
    this(jobId, slot, pid, exitCode, logPath, logTail, "");
  }

  /** "exit code 137 (SIGKILL)" and the like, or the scheduler's {@link #cause()} when it has one. */
  public String describeExit() {
    if (!cause.isEmpty()) {
      return cause;
    }
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
