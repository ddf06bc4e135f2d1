/**
 * Sustained training throughput on real data: plain DL4J {@code fit()} against the {@code Replica} step
 * loop, over whole epochs, with the memory and GC figures that explain a slowdown. Run by
 * {@code bench/throughput.sh}. {@code StepOpsMain}: what one replica step costs in ND4J ops and allocated
 * objects (docs/ENGINE-SPEED.md).
 */
package io.ringmaster.bench.engine;
