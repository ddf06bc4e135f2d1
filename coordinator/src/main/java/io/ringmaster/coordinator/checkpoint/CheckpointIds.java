package io.ringmaster.coordinator.checkpoint;

import java.util.regex.Pattern;

/** Checkpoint ids ({@code e0002-s000153}: epoch and completed steps) and the file names made of them. */
public final class CheckpointIds {
  private static final Pattern FILE = Pattern.compile("e\\d{4,}-s\\d{6,}" + Pattern.quote(CheckpointFile.SUFFIX));
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private CheckpointIds() {}

  /** The id of the checkpoint taken after {@code step} steps of epoch {@code epoch}. */
  public static String of(int epoch, long step) {
    return String.format("e%04d-s%06d", epoch, step);
  }

  /** The file name of checkpoint {@code id}. */
  public static String fileName(String id) {
    return id + CheckpointFile.SUFFIX;
  }

  /** True for names of checkpoint files (not temporary files). */
  static boolean isCheckpointFile(String name) {
    return FILE.matcher(name).matches();
  }

  /**
   * Checks that {@code jobId} is safe as a directory name.
   *
   * @throws IllegalArgumentException otherwise
   */
  static String checkJobId(String jobId) {
    if (jobId == null || !JOB_ID.matcher(jobId).matches() || jobId.contains("..")) {
      throw new IllegalArgumentException("job id '" + jobId + "' cannot name a checkpoint directory: use 1-128 "
          + "letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return jobId;
  }
}
