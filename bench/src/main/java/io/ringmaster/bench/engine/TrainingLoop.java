package io.ringmaster.bench.engine;

import io.ringmaster.worker.engine.StepPhases;

/** One way of running training steps; the benchmark times it over whole epochs. */
interface TrainingLoop {
  /** Short name for the report. */
  String name();

  /** Trains one step on samples {@code indices[0 .. count)}, marking its phases in {@link #phases()}. */
  void step(int[] indices, int count);

  /** Called before each epoch (1-based). */
  default void startEpoch(int epoch) {}

  /** The per-step split this loop marks (off unless the benchmark asked for it). */
  StepPhases phases();

  /** Test accuracy of the model as it is now, on test samples {@code [0, test.size())}. */
  double testAccuracy(io.ringmaster.job.data.Dataset test);
}
