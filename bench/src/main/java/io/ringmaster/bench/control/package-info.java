/**
 * The control plane's read cost (issue 12): coordinator CPU per GetJob and per ListJobs page, with the
 * in-memory read path and without it, and the training slowdown under a polling storm.
 * {@link io.ringmaster.bench.control.ReadCostBench} drives a coordinator in its own JVM
 * ({@link io.ringmaster.bench.control.ReadCostCoordinator}) so that the coordinator's CPU is measured
 * alone (from the OS, per process).
 */
package io.ringmaster.bench.control;
