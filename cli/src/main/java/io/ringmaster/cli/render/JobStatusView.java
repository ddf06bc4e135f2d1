package io.ringmaster.cli.render;

import io.ringmaster.job.FailureReasons;
import io.ringmaster.job.devices.DeviceSummary;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.time.ZoneId;

/** The human {@code status} page of one job: summary fields, its epochs, and a table of its workers. */
public final class JobStatusView {
  private JobStatusView() {}

  public static String render(Job job, ZoneId zone) {
    var spec = job.getSpec();
    TextTable f = new TextTable("Job", job.getId());
    f.row("Name", spec.getName().isEmpty() ? "-" : spec.getName());
    f.row("State", Fmt.state(job.getState()) + (FailureReasons.display(job.getReason()).isEmpty() ? "" : " (" + FailureReasons.display(job.getReason()) + ")"));
    if (!job.getMessage().isEmpty()) {
      f.row("Message", job.getMessage());
    }
    f.row("Model", Fmt.model(spec) + ", " + (spec.getUpdater().getType().isEmpty() ? "-"
        : spec.getUpdater().getType() + " lr " + spec.getUpdater().getLearningRate())
        + ", global batch " + spec.getBatchSize() + ", seed " + spec.getSeed());
    f.row("Data", spec.getData().getTrain().getPath() + (job.getTrainSamples() > 0
        ? " (" + Fmt.count(job.getTrainSamples()) + " train, " + Fmt.count(job.getTestSamples()) + " test samples)"
        : ""));
    f.row("Epochs", epochs(job));
    int ring = Fmt.ringSize(job);
    int others = job.getWorkersCount() - ring;
    f.row("Workers", Fmt.plural(spec.getWorkers(), "worker") + " requested, " + ring + " in the ring"
        + (others > 0 ? " (" + others + " more listed: joining or gone)" : "")
        + (job.getGeneration() > 1 ? "; ring generation " + job.getGeneration() : "")
        + (job.getReplacements() > 0 ? "; " + Fmt.plural(job.getReplacements(), "replacement") + " started" : "")
        + (job.getCoordinatorRestarts() > 0 ? "; resumed after " + Fmt.plural(job.getCoordinatorRestarts(),
            "coordinator restart") : ""));
    if (job.hasLatestCheckpoint() && !job.getLatestCheckpoint().getId().isEmpty()) {
      var c = job.getLatestCheckpoint();
      f.row("Checkpoint", c.getId() + " (epoch " + c.getEpoch() + ", step " + c.getStep() + ", "
          + Fmt.count(c.getSizeBytes()) + " bytes)");
    }
    f.row("Created", Fmt.timestamp(job.getCreatedAtMs(), zone));
    f.row("Started", Fmt.timestamp(job.getStartedAtMs(), zone));
    f.row("Finished", Fmt.timestamp(job.getFinishedAtMs(), zone));
    if (!job.getModelPath().isEmpty()) {
      f.row("Model at", job.getModelPath());
    }
    if (!job.getJobDir().isEmpty()) {
      f.row("Job dir", job.getJobDir());
    }
    StringBuilder out = new StringBuilder(f.render(""));
    if (job.getEpochsCount() > 0) {
      out.append('\n');
      for (EpochMetrics m : job.getEpochsList()) {
        out.append(EpochLine.format(m, spec.getEpochs())).append('\n');
      }
    }
    if (job.getNoticesCount() > 0) {
      out.append("\nRecent events:\n");
      int from = Math.max(0, job.getNoticesCount() - 8);
      for (String n : job.getNoticesList().subList(from, job.getNoticesCount())) {
        out.append("  ").append(n.replace("\n", "\n    ")).append('\n');
      }
    }
    if (job.getWorkersCount() > 0) {
      TextTable w = new TextTable("RANK", "ADDRESS", "PID", "STATE", "DEVICES", "LOG", "MESSAGE");
      for (WorkerStatus s : job.getWorkersList()) {
        w.row(Integer.toString(s.getRank()), s.getHost() + ":" + s.getPort(),
            s.getPid() > 0 ? Long.toString(s.getPid()) : "-", Fmt.state(s.getState()),
            DeviceSummary.describe(s.getDevices()),
            s.getLogPath().isEmpty() ? "-" : s.getLogPath(),
            s.getMessage() + (s.hasExitCode() ? (s.getMessage().isEmpty() ? "" : "; ") + "exit code " + s.getExitCode() : ""));
      }
      out.append('\n').append(w.render(""));
    }
    return out.toString();
  }

  private static String epochs(Job job) {
    String s = job.getEpochsCount() + "/" + job.getSpec().getEpochs() + " done";
    var p = job.getProgress();
    if ((job.getState() == JobState.JOB_STATE_RUNNING || job.getState() == JobState.JOB_STATE_RECOVERING) && job.hasProgress() && p.getEpoch() > job.getEpochsCount()) {
      s += "; epoch " + p.getEpoch() + ": " + p.getStep() + "/" + p.getStepsInEpoch() + " steps, "
          + Fmt.rate(p.getSamplesPerS()) + " samples/s";
    }
    return s;
  }
}
