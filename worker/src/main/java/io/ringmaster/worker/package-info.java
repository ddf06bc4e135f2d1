/**
 * The worker: one JVM (or one library instance in a host JVM) that trains one rank of a job at a time.
 *
 * <p><b>What it is.</b> {@link io.ringmaster.worker.WorkerRuntime} is the worker, usable as a library;
 * {@link io.ringmaster.worker.WorkerCommand} ({@code ringmaster worker}) wraps it in a process. It hosts a
 * gRPC server that peers call: the collective data plane ({@code Collective.Ring}, {@code collective}
 * package), the state of a paused replica for peers joining the next ring ({@code ReplicaState.Fetch},
 * {@code ReplicaStateService}), health and reflection. {@code JobRunner} holds one job's part on this
 * worker: its replica ({@code engine}), datasets, place in the current ring and cursor (epoch, completed
 * steps).
 *
 * <p><b>Threads and time.</b> Clocks and threads come from a {@link io.ringmaster.worker.WorkerEnvironment}
 * (the system's by default), injected so that tests drive time. Every command that touches the replica runs on one job thread ({@code worker-job}):
 * ND4J workspaces belong to a thread, and commands are carried out in the order they arrived. A timer thread
 * ({@code worker-timer}) sends heartbeats, with a stall report when a step has waited too long in the
 * all-reduce, and re-attaches after losing the coordinator. A {@code checkpoint-upload} thread sends rank
 * 0's checkpoints to the coordinator in the background. gRPC's own threads deliver the coordinator's
 * messages and the ring's frames; a {@code Pause} or {@code Release} also acts on them at once (the running
 * step stops), then is answered on the job thread.
 *
 * <p><b>Life with the coordinator.</b> The worker attaches with {@code WorkerControl.Attach}, one
 * bidirectional stream, and says {@code Hello} (address, pid, slot, the job it was started for if any); the
 * coordinator answers {@code Welcome} (heartbeat interval). Then, for a job:
 * <ol>
 *   <li>{@code Assign}: the job's resolved spec, dataset shapes and the ring {@code Membership} (generation,
 *       rank, peers), with where the replica's state comes from (fresh from the seed, kept, fetched from a
 *       peer, or downloaded from a checkpoint). The worker loads its data through its {@code WorkerData}
 *       ({@code data.SpecFileData} makes the spec's files local with its {@code data.DataFetcher}: fetched from the
 *       coordinator and cached by hash when it does not see them; a Spark task hands over its rows), builds
 *       or restores the replica, joins the ring and answers {@code Ready}. A later {@code Assign} of the same job (a new generation)
 *       re-forms the ring around the same replica.</li>
 *   <li>{@code RunEpoch}: trains the epoch from the given step, sending {@code StepProgress}, then
 *       evaluates its slice of the test set and answers {@code EpochResult}; rank 0 uploads checkpoints.</li>
 *   <li>{@code Pause}, or a broken ring: stops at a step boundary and answers {@code Paused} with its
 *       cursor; the next {@code Assign} resumes it.</li>
 *   <li>{@code SaveModel} (rank 0): writes the model zip with {@code provenance.json} in its own data
 *       directory, uploads it to the coordinator ({@code DatasetService.UploadModel}), answers
 *       {@code ModelSaved} with where the coordinator stored it.</li>
 *   <li>{@code Release}: drops the job; with {@code shutdown} the worker stops.</li>
 * </ol>
 * Every command ends in an answer (Ready, EpochResult, Paused for the current generation, ModelSaved or
 * a {@code WorkerFailure} carrying a {@code FailureReason}); every heartbeat says what the worker is doing
 * ({@code WorkerActivity}), so the coordinator can tell a busy worker from one that waits for it. Losing the
 * coordinator ends the current job: a worker started for one job then exits, a free worker (started by
 * hand) re-attaches and waits for the next job.
 *
 * <p><b>One job at a time, any job after any other.</b> A new {@code JobRunner} is built for every job, and
 * again for the same job after the worker abandoned it (released, or the coordinator was lost); closing it
 * leaves the job's rings, which are keyed by (job id, generation), so the next job starts at any ring
 * generation whatever this worker did before.
 */
package io.ringmaster.worker;
