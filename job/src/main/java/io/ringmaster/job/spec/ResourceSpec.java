package io.ringmaster.job.spec;

/**
 * Bounds of one worker JVM. As given, 0 means "unset"; {@link JobSpecResolver} fills the defaults.
 *
 * @param heapMb maximum Java heap, MiB (default {@value #DEFAULT_HEAP_MB})
 * @param offheapMb maximum ND4J off-heap memory, MiB (default {@value #DEFAULT_OFFHEAP_MB})
 * @param threads math threads (OMP_NUM_THREADS), default {@value #DEFAULT_THREADS}
 */
public record ResourceSpec(int heapMb, int offheapMb, int threads) {
  public static final int DEFAULT_HEAP_MB = 1024;
  public static final int DEFAULT_OFFHEAP_MB = 2048;
  public static final int DEFAULT_THREADS = 1;
  /** Every bound at its default. */
  public static final ResourceSpec DEFAULTS = new ResourceSpec(DEFAULT_HEAP_MB, DEFAULT_OFFHEAP_MB, DEFAULT_THREADS);
}
