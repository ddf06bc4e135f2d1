/**
 * Fault-tolerance figures of issue #3, measured in one run against an in-process coordinator with the
 * local scheduler (real worker JVMs, real gRPC on loopback, the real Fashion-MNIST): time from
 * {@code kill -9} of a worker to training resumed, throughput cost of checkpointing every K steps, and
 * the accuracy of disturbed against undisturbed runs with the same seed. Run by {@code bench/recovery.sh};
 * the entry point is {@link io.ringmaster.bench.recovery.RecoveryBench}.
 */
package io.ringmaster.bench.recovery;
