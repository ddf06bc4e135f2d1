package io.ringmaster.coordinator.jobs;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.FailureReason;
import java.util.Map;
import java.util.TreeMap;

/**
 * Combines the ranks' {@link EpochResult}s of one epoch into {@link EpochMetrics}, refusing to report
 * numbers over the wrong data. Training counters travel with the gradients, so every rank holds the
 * global values (and they must agree); each rank evaluated its own slice of the test set, so test counters
 * are added up. Pure; tested as a table.
 */
final class EpochAggregator {
  /** Why results cannot be combined; {@link #reason} is the job's stable failure code. */
  static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;
    final FailureReason reason;

    Mismatch(FailureReason reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private EpochAggregator() {}

  /**
   * @param results by rank, one per rank of the ring that finished the epoch
   * @param trainSamples size of the training set (every sample is used once per epoch)
   * @param testSamples size of the test set (every sample is evaluated once)
   * @param durationS wall time of the epoch, recoveries included
   * @param recoveries ring re-formations during the epoch
   */
  static EpochMetrics combine(int epoch, Map<Integer, EpochResult> results, long trainSamples, long testSamples,
      double durationS, int recoveries) throws Mismatch {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results");
    }
    Map<Integer, EpochResult> byRank = new TreeMap<>(results);
    EpochResult first = byRank.values().iterator().next();
    long testCount = 0;
    long correct = 0;
    double testLoss = 0;
    double trainSeconds = 0;
    StringBuilder sums = new StringBuilder();
    boolean diverged = false;
    boolean countersDisagree = false;
    for (var e : byRank.entrySet()) {
      EpochResult r = e.getValue();
      testCount += r.getTestSamples();
      correct += r.getTestCorrect();
      testLoss += r.getTestLossSum();
      trainSeconds = Math.max(trainSeconds, r.getTrainSeconds());
      sums.append(" rank ").append(e.getKey()).append('=').append(Long.toHexString(r.getParamsChecksum()));
      diverged |= r.getParamsChecksum() != first.getParamsChecksum();
      countersDisagree |= r.getTrainSamples() != first.getTrainSamples()
          || Double.doubleToLongBits(r.getTrainLossSum()) != Double.doubleToLongBits(first.getTrainLossSum());
    }
    if (diverged) {
      throw new Mismatch(FailureReason.FAILURE_REASON_REPLICA_DIVERGENCE, "replicas disagree after epoch " + epoch
          + " (parameter checksums:" + sums + "); synchronous training requires bit-identical replicas");
    }
    if (countersDisagree) {
      throw new Mismatch(FailureReason.FAILURE_REASON_REPLICA_DIVERGENCE, "ranks disagree on the global training counters of epoch " + epoch);
    }
    long used = first.getTrainSamples();
    if (used != trainSamples || testCount != testSamples) {
      throw new Mismatch(FailureReason.FAILURE_REASON_SAMPLE_COUNT_MISMATCH, "epoch " + epoch + " used " + used + " training samples (expected "
          + trainSamples + ") and " + testCount + " test samples (expected " + testSamples
          + "): refusing to report metrics over the wrong data");
    }
    double evalSeconds = byRank.values().stream().mapToDouble(EpochResult::getEvalSeconds).max().orElse(0);
    double trainWall = Math.max(1e-9, durationS - evalSeconds);
    return EpochMetrics.newBuilder()
        .setEpoch(epoch)
        .setSamples(used)
        .setTrainLoss(first.getTrainLossSamples() > 0
            ? first.getTrainLossSum() / first.getTrainLossSamples() : Double.NaN)
        .setTestLoss(testLoss / testCount)
        .setTestAccuracy((double) correct / testCount)
        .setDurationS(durationS)
        .setSamplesPerS(used / (recoveries == 0 && trainSeconds > 0 ? trainSeconds : trainWall))
        .setWorkers(byRank.size())
        .setTestSamples(testCount)
        .setSteps(first.getSteps())
        .setSkippedSteps(first.getSkippedSteps())
        .setRecoveries(recoveries)
        .build();
  }

}
