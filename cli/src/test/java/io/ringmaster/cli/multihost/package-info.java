/**
 * Tests across network hosts on one machine, on {@link io.ringmaster.testhosts.NetworkHosts} (module
 * {@code testhosts}: hosts made of Linux network namespaces on a bridge, addresses in 198.18.0.0/15):
 * {@link io.ringmaster.cli.multihost.CrossHostCluster} puts a coordinator with the external scheduler on
 * host 1, a hand-started worker on each of the next hosts, each its own JVM with its own data directory, and
 * leaves further hosts to clients; {@link io.ringmaster.cli.multihost.CrossHostJobsTest} holds the
 * cross-host cases of issue 13 and issue 9's cut link, {@link io.ringmaster.cli.multihost.CrossHostArtifactsTest}
 * issue 9's 3 workers on 4 hosts with a client on a fifth. They need root and iproute2 and are skipped,
 * saying why, without them (a failure under {@code CI=true}). See docs/TESTING.md.
 */
package io.ringmaster.cli.multihost;
