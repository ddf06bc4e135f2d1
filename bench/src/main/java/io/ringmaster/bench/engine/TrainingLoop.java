package io.ringmaster.bench.engine;

/** One way of running training steps; the benchmark times it over whole epochs. */
interface TrainingLoop {
  /** Short name for the report. */
  String name();

  /** Trains one step on samples {@code indices[0 .. count)}. */
  void step(int[] indices, int count);

  /** Called before each epoch (1-based). */
  default void startEpoch(int epoch) {}
}
