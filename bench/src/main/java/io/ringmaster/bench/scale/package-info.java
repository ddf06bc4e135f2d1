/**
 * The coordinator's control plane at scale (issue 7): {@link io.ringmaster.bench.scale.ScaleBench} starts a
 * real coordinator ({@code ringmaster coordinator --scheduler external}) in its own JVM and drives it with
 * hundreds of {@link io.ringmaster.bench.scale.SimulatedWorker}s in this JVM. A simulated worker speaks the
 * worker control protocol ({@code WorkerControl.Attach}) over real gRPC on loopback as a hand-started
 * worker does (Hello, heartbeats with activity, Ready, StepProgress, EpochResult, Paused, ModelSaved) but
 * does no math and joins no real ring, so one JVM can play a thousand workers and only the coordinator's
 * own cost is measured: its CPU and heap from the OS and jcmd, its latencies from when the workers
 * receive its commands ({@link io.ringmaster.bench.scale.Timeline}).
 */
package io.ringmaster.bench.scale;
