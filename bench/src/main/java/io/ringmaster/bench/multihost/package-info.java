/**
 * The multi-host benchmark ({@code bench/multihost.sh}): hosts made of network namespaces on this machine
 * ({@code io.ringmaster.testhosts.NetworkHosts}, the harness of the cross-host tests), links capped with
 * htb, and in one run per cap: raw TCP (iperf3), the ring all-reduce's bus bandwidth with 2 and 3 ranks on
 * separate hosts ({@link io.ringmaster.bench.multihost.RingRank}), and MLP/LeNet samples/s of jobs on a
 * coordinator and workers on separate hosts ({@link io.ringmaster.bench.multihost.TrainingCluster}).
 * {@link io.ringmaster.bench.multihost.MultiHostBench} drives it; figures in bench/README.md.
 */
package io.ringmaster.bench.multihost;
