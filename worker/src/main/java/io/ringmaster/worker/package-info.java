/**
 * A Ringmaster worker: one process (or library instance) that trains the replicas of the jobs a
 * coordinator gives it, one job at a time.
 *
 * <ul>
 *   <li>{@link io.ringmaster.worker.WorkerRuntime}: the worker's life. It hosts a gRPC server (the ring's
 *       {@code Collective} service, {@code ReplicaState} for peers joining a ring, health), attaches to the
 *       coordinator's {@code WorkerControl} stream, and carries out its commands on one job thread. Every
 *       command ends in an answer (Ready, EpochResult, Paused, ModelSaved or WorkerFailure); every
 *       heartbeat says what the worker is doing ({@code WorkerActivity}). {@link
 *       io.ringmaster.worker.WorkerCommand} wraps it in a process.
 *   <li>{@code JobRunner}: the worker's part of one job (replica, data, cursor, place in the current
 *       ring). A new one is built for every job, and again for the same job after the worker abandoned
 *       it (released, or the coordinator was lost); closing it leaves the job's rings, so the next job
 *       starts at any ring generation.
 *   <li>{@link io.ringmaster.worker.WorkerEnvironment}: the clocks and threads the worker runs on,
 *       injected so that tests drive time ({@code StepWait} times the stall watchdog's wait).
 * </ul>
 *
 * <p>Sub-packages: {@code collective} (the ring all-reduce), {@code engine} (DL4J replicas) and
 * {@code checkpoint} (checkpoint streaming).
 */
package io.ringmaster.worker;
