/**
 * Tests across network hosts on one machine: {@link io.ringmaster.cli.multihost.NetworkHosts} makes hosts
 * out of Linux network namespaces on a bridge (addresses in 198.18.0.0/15), runs processes in them and
 * cuts their links; {@link io.ringmaster.cli.multihost.CrossHostCluster} puts a coordinator with the
 * external scheduler on host 1 and a hand-started worker on each other host, each its own JVM;
 * {@link io.ringmaster.cli.multihost.CrossHostJobsTest} holds the cross-host cases of issue 13. They need
 * root and iproute2 and are skipped, saying why, without them. See docs/TESTING.md.
 */
package io.ringmaster.cli.multihost;
