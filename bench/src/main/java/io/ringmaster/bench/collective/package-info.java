/**
 * Bandwidth benchmark of the ring all-reduce ({@code bench/allreduce.sh}): two ranks in two JVM
 * processes over loopback, next to raw TCP throughput measured by the same program.
 */
package io.ringmaster.bench.collective;
