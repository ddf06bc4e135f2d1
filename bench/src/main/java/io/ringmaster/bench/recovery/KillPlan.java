package io.ringmaster.bench.recovery;

import java.util.Random;

/**
 * Where one disturbed run kills a worker: rank {@code rank} as soon as the job reports epoch
 * {@code epoch} at step {@code step} or later (progress arrives a few times per second, so the kill lands
 * a few steps after {@code step}).
 */
record KillPlan(int rank, int epoch, int step) {
  /**
   * Draws a rank in {@code [0, workers)}, an epoch in {@code [1, epochs]} and a step that keeps
   * {@code margin = min(20, steps/4)} steps away from both ends of the epoch, from {@code random}.
   */
  static KillPlan draw(Random random, int workers, int epochs, int stepsPerEpoch) {
    int margin = Math.min(20, stepsPerEpoch / 4);
    int span = Math.max(1, stepsPerEpoch - 2 * margin);
    int rank = random.nextInt(workers);
    int epoch = 1 + random.nextInt(epochs);
    int step = margin + random.nextInt(span);
    return new KillPlan(rank, epoch, step);
  }

  /** True once a job at (epoch, step) has reached this plan's point. */
  boolean reachedBy(int atEpoch, long atStep) {
    return atEpoch > epoch || atEpoch == epoch && atStep >= step;
  }
}
