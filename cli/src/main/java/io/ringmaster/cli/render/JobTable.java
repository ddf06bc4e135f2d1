package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.time.ZoneId;
import java.util.List;

/**
 * The {@code list} table: one row per job with its id, name, state, epochs done out of the total (and
 * the current epoch's progress while running), the latest test accuracy and when it was created.
 */
public final class JobTable {
  private JobTable() {}

  public static String render(List<Job> jobs, ZoneId zone) {
    TextTable t = new TextTable("ID", "NAME", "STATE", "EPOCHS", "TEST ACC", "CREATED");
    for (Job j : jobs) {
      t.row(j.getId(),
          j.getSpec().getName().isEmpty() ? "-" : j.getSpec().getName(),
          Fmt.state(j.getState()),
          epochs(j),
          j.getEpochsCount() == 0 ? "-" : Fmt.percent(j.getEpochs(j.getEpochsCount() - 1).getTestAccuracy()),
          Fmt.timestamp(j.getCreatedAtMs(), zone));
    }
    return t.render("");
  }

  /** {@code 1/3}, and {@code 1/3 (45%)} while epoch 2 is 45% done. */
  static String epochs(Job j) {
    String s = j.getEpochsCount() + "/" + j.getSpec().getEpochs();
    var p = j.getProgress();
    if (j.getState() == JobState.JOB_STATE_RUNNING && j.hasProgress() && p.getEpoch() > j.getEpochsCount()
        && p.getStepsInEpoch() > 0) {
      s += " (" + (100 * p.getStep() / p.getStepsInEpoch()) + "%)";
    }
    return s;
  }
}
