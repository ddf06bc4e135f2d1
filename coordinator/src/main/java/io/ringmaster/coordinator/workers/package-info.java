/**
 * The coordinator's side of the worker control plane: attached workers and their streams.
 *
 * <ul>
 *   <li>{@link io.ringmaster.coordinator.workers.WorkerControlService} serves {@code WorkerControl.Attach}:
 *       one {@link io.ringmaster.coordinator.workers.WorkerSession} per stream, from the worker's Hello
 *       until the stream ends from either side, reported to
 *       {@link io.ringmaster.coordinator.workers.WorkerEvents} (attached, heartbeat, message, detached
 *       once).
 *   <li>The coordinator closes a session when it gives up on the worker (eviction from a job, a free
 *       worker silent for longer than the heartbeat timeout): the stream ends with a status saying why
 *       and the session is forgotten, so a worker that is still alive must attach again (a free worker
 *       re-attaches by itself) and heartbeat before it is given any work.
 *   <li>{@link io.ringmaster.coordinator.workers.FreeWorkerPool} knows the hand-started workers, their
 *       last heartbeat and whether a job holds them, and hands out only fresh ones: whole gangs for a new
 *       job, single workers for replacements.
 * </ul>
 */
package io.ringmaster.coordinator.workers;
