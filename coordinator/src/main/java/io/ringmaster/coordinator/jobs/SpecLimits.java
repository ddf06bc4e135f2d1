package io.ringmaster.coordinator.jobs;

/**
 * The coordinator's upper bounds on what one job may ask of each worker, checked at submission so that
 * a job no worker could run is refused with the field at fault instead of crashing every worker JVM it
 * starts (replacements included).
 *
 * @param maxHeapMb largest {@code resources.heapMb}
 * @param maxOffheapMb largest {@code resources.offheapMb}
 * @param maxThreads largest {@code resources.threads}
 * @param maxParameters most parameters of the model (on the job's data): a worker holds the parameters,
 *     their gradient, the updater's state and the all-reduce buffers, about {@value #BYTES_PER_PARAMETER}
 *     bytes per parameter, which must also fit in {@code resources.offheapMb}
 */
public record SpecLimits(int maxHeapMb, int maxOffheapMb, int maxThreads, long maxParameters) {
  /** Bytes of off-heap memory a worker needs per parameter: float parameters, gradient, two updater
   * states (Adam) and one all-reduce buffer, 5 x 4 bytes. */
  public static final int BYTES_PER_PARAMETER = 20;

  public static final SpecLimits DEFAULTS = new SpecLimits(32_768, 65_536, 64, 200_000_000L);

  public SpecLimits {
    if (maxHeapMb < 1 || maxOffheapMb < 1 || maxThreads < 1 || maxParameters < 1) {
      throw new IllegalArgumentException("spec limits must be >= 1");
    }
  }
}
