package io.ringmaster.job.spec;

/**
 * Bounds of one worker JVM. As given, 0 means "unset"; {@link JobSpecResolver} fills the defaults.
 *
 * @param heapMb maximum Java heap, MiB (default {@value #DEFAULT_HEAP_MB})
 * @param offheapMb maximum ND4J off-heap memory, MiB (default {@value #DEFAULT_OFFHEAP_MB})
 * @param threads math threads (OMP_NUM_THREADS), default {@value #DEFAULT_THREADS}; under Kubernetes
 *     also the pod's CPU request
 * @param gpus GPUs per worker (Kubernetes: {@code nvidia.com/gpu} request and limit), default 0; the local
 *     scheduler gives each worker process that many of the machine's free GPUs ({@code CUDA_VISIBLE_DEVICES})
 *     or refuses the launch; a worker whose ND4J backend is not CUDA or sees fewer GPUs refuses the job
 */
public record ResourceSpec(int heapMb, int offheapMb, int threads, int gpus) {
  public static final int DEFAULT_HEAP_MB = 1024;
  public static final int DEFAULT_OFFHEAP_MB = 2048;
  public static final int DEFAULT_THREADS = 1;
  /** Every bound at its default. */
  public static final ResourceSpec DEFAULTS = new ResourceSpec(DEFAULT_HEAP_MB, DEFAULT_OFFHEAP_MB, DEFAULT_THREADS, 0);
}
