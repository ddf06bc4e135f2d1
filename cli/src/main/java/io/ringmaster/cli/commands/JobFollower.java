package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.FinalReport;
import io.ringmaster.cli.render.Fmt;
import io.ringmaster.cli.render.WatchRenderer;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;

/** Follows a job's event stream to its end, rendering it, then reports how the job ended. */
final class JobFollower {
  private final CliContext context;

  JobFollower(CliContext context) {
    this.context = context;
  }

  /**
   * Renders the job's events until the coordinator ends the stream and prints the final report.
   *
   * @return the job in its terminal state
   * @throws CliException when the stream ended before the job finished
   */
  Job follow(JobClient client, String jobId) {
    WatchRenderer renderer = new WatchRenderer(context.out(), context.terminal(), context.clock(),
        context.columns());
    try {
      client.watch(jobId, renderer::accept, why -> renderer.reconnecting(why));
    } finally {
      renderer.close();
    }
    Job job = renderer.job();
    if (!Fmt.isTerminal(job.getState())) {
      throw new CliException(ExitCodes.FAILED, "the coordinator at " + client.address()
          + " stopped sending updates on job " + jobId + " while it was " + Fmt.state(job.getState())
          + "; see where it stands with: ringmaster status " + jobId + " --coordinator " + client.address());
    }
    FinalReport.print(job, context.out(), context.err());
    return job;
  }

  /** 0 when the job succeeded, 1 otherwise. */
  static int exitCode(Job job) {
    return job.getState() == JobState.JOB_STATE_SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
