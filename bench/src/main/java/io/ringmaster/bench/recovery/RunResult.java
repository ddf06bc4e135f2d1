package io.ringmaster.bench.recovery;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.util.Optional;

/**
 * The outcome of one benchmark job.
 *
 * @param round 1-based round
 * @param checkpointEvery the job's {@code faultTolerance.checkpointEverySteps}
 * @param job the job as it ended
 * @param checkpoints checkpoints stored and skipped, from the workers' logs
 * @param loadAtStart 1-minute load average when the job was submitted
 * @param cpuS CPU seconds of the workers and the coordinator's JVM over the epochs ({@link CpuMeter}); NaN if
 *     not measured
 * @param disturbance the kill, for a disturbed run
 */
record RunResult(int round, int checkpointEvery, Job job, CheckpointCounts checkpoints, double loadAtStart,
    double cpuS, Optional<Disturbance> disturbance) {

  boolean succeeded() {
    return job.getState() == JobState.JOB_STATE_SUCCEEDED && job.getEpochsCount() > 0;
  }

  boolean disturbed() {
    return disturbance.isPresent();
  }

  private Optional<EpochMetrics> last() {
    return job.getEpochsCount() == 0 ? Optional.empty() : Optional.of(job.getEpochs(job.getEpochsCount() - 1));
  }

  /** Test accuracy after the last epoch, in [0, 1]; NaN if the job did not succeed. */
  double accuracy() {
    return succeeded() ? last().orElseThrow().getTestAccuracy() : Double.NaN;
  }

  /** Mean test loss per sample after the last epoch; NaN if the job did not succeed. */
  double testLoss() {
    return succeeded() ? last().orElseThrow().getTestLoss() : Double.NaN;
  }

  /**
   * Training samples per second over all epochs: total samples over the total training time the
   * coordinator reports per epoch (samples / samples_per_s; evaluation excluded, recoveries included).
   */
  double samplesPerS() {
    if (!succeeded()) {
      return Double.NaN;
    }
    double samples = 0;
    double seconds = 0;
    for (EpochMetrics m : job.getEpochsList()) {
      samples += m.getSamples();
      seconds += m.getSamples() / m.getSamplesPerS();
    }
    return samples / seconds;
  }

  /** Training samples of all epochs per CPU second ({@link #cpuS}); NaN if not measured. */
  double samplesPerCpuS() {
    return succeeded() ? job.getEpochsList().stream().mapToLong(EpochMetrics::getSamples).sum() / cpuS : Double.NaN;
  }

  /** Wall time of all epochs (training, evaluation and recoveries), in seconds; NaN if it did not succeed. */
  double epochsWallS() {
    return succeeded() ? job.getEpochsList().stream().mapToDouble(EpochMetrics::getDurationS).sum() : Double.NaN;
  }

  int recoveries() {
    return job.getEpochsList().stream().mapToInt(EpochMetrics::getRecoveries).sum();
  }
}
