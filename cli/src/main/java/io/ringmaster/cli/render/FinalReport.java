package io.ringmaster.cli.render;

import io.ringmaster.job.FailureReasons;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.PrintStream;

/**
 * What a finished job came to: success with the model path on {@code out}; failure or cancellation with
 * the coordinator's message, the lost workers and where their logs are on {@code err}.
 */
public final class FinalReport {
  private FinalReport() {}

  public static void print(Job job, PrintStream out, PrintStream err) {
    switch (job.getState()) {
      case JOB_STATE_SUCCEEDED -> {
        StringBuilder s = new StringBuilder("Job ").append(job.getId()).append(" succeeded: ")
            .append(Fmt.plural(job.getEpochsCount(), "epoch"));
        if (job.getStartedAtMs() > 0 && job.getFinishedAtMs() >= job.getStartedAtMs()) {
          s.append(" in ").append(Fmt.seconds((job.getFinishedAtMs() - job.getStartedAtMs()) / 1000.0));
        }
        if (job.getEpochsCount() > 0) {
          EpochMetrics last = job.getEpochs(job.getEpochsCount() - 1);
          s.append(", test accuracy ").append(Fmt.percent(last.getTestAccuracy()));
        }
        out.println(s);
        out.println(job.getModelPath().isEmpty()
            ? "The coordinator reported no model path; look in the job directory " + job.getJobDir()
            : "Model saved to " + job.getModelPath());
      }
      case JOB_STATE_FAILED -> {
        err.println("Job " + job.getId() + " FAILED"
            + (FailureReasons.display(job.getReason()).isEmpty() ? "" : " (" + FailureReasons.display(job.getReason()) + ")") + ": "
            + (job.getMessage().isEmpty() ? "no reason given" : job.getMessage()));
        details(job, err);
      }
      case JOB_STATE_CANCELLED -> err.println("Job " + job.getId() + " was cancelled"
          + (job.getMessage().isEmpty() ? "." : ": " + job.getMessage()));
      default -> err.println("Job " + job.getId() + " is " + Fmt.state(job.getState()) + ".");
    }
    out.flush();
    err.flush();
  }

  private static void details(Job job, PrintStream err) {
    for (WorkerStatus w : job.getWorkersList()) {
      if (w.getState() == WorkerState.WORKER_LOST) {
        err.println("  " + lostWorker(w));
      }
    }
    if (!job.getJobDir().isEmpty()) {
      err.println("  Job directory (logs, checkpoints): " + job.getJobDir());
    }
  }

  /** {@code Worker rank 1 (pid 4242, 127.0.0.1:41234) lost: exit code 137; log: /runs/j/worker-1.log}. */
  static String lostWorker(WorkerStatus w) {
    StringBuilder s = new StringBuilder("Worker rank ").append(w.getRank()).append(" (");
    if (w.getPid() > 0) {
      s.append("pid ").append(w.getPid()).append(", ");
    }
    s.append(w.getHost()).append(':').append(w.getPort()).append(") lost");
    if (!w.getMessage().isEmpty()) {
      s.append(": ").append(w.getMessage());
    }
    if (w.hasExitCode()) {
      s.append(w.getMessage().isEmpty() ? ": " : ", ").append("exit code ").append(w.getExitCode());
    }
    if (!w.getLogPath().isEmpty()) {
      s.append("; log: ").append(w.getLogPath());
    }
    return s.toString();
  }
}
