package io.ringmaster.job.spec;

/**
 * Bounds of one worker JVM.
 *
 * @param heapMb maximum Java heap, MiB (default {@value #DEFAULT_HEAP_MB})
 * @param offheapMb maximum ND4J off-heap memory, MiB (default {@value #DEFAULT_OFFHEAP_MB})
 * @param threads math threads (OMP_NUM_THREADS), default 1
 */
public record ResourceSpec(int heapMb, int offheapMb, int threads) {
  public static final int DEFAULT_HEAP_MB = 1024;
  public static final int DEFAULT_OFFHEAP_MB = 2048;
  public static final ResourceSpec DEFAULTS = new ResourceSpec(DEFAULT_HEAP_MB, DEFAULT_OFFHEAP_MB, 1);

  /** Replaces zeros (unset) by the defaults. */
  public ResourceSpec withDefaults() {
    return new ResourceSpec(
        heapMb == 0 ? DEFAULT_HEAP_MB : heapMb,
        offheapMb == 0 ? DEFAULT_OFFHEAP_MB : offheapMb,
        threads == 0 ? 1 : threads);
  }
}
