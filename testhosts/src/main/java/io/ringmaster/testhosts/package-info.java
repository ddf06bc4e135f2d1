/**
 * Hosts on a private network, made of Linux network namespaces on one real machine, for tests and
 * benchmarks that need processes on different hosts: {@link io.ringmaster.testhosts.NetworkHosts} makes a
 * bridge and N hosts with addresses in 198.18.0.0/15 (RFC 2544's benchmarking range), runs processes inside
 * them ({@link io.ringmaster.testhosts.HostProcess}), cuts and restores links, caps their rate with htb,
 * and removes everything it made on close, also from a JVM shutdown hook; {@link
 * io.ringmaster.testhosts.Ip} runs iproute2's {@code ip} and {@code tc}. Needs root and iproute2.
 *
 * <p>Used by the cli module's cross-host tests ({@code io.ringmaster.cli.multihost}, docs/TESTING.md) and by
 * {@code bench/multihost.sh} (bench/README.md). Test code in all but location: it lives in main code of
 * its own module so that the benchmark can use it too.
 */
package io.ringmaster.testhosts;
