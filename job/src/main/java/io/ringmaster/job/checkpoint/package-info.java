/**
 * The checkpoint transfer format shared by the coordinator and the workers: how a {@code Checkpoint}
 * travels as a stream of {@code CheckpointChunk}s on {@code Checkpoints.Upload/Download} (worker to and
 * from the coordinator) and {@code ReplicaState.Fetch} (worker to worker). It needs only the proto and
 * gRPC, so both sides use it without depending on each other.
 *
 * <p>The stream: one header chunk (the checkpoint without its byte fields, with {@code num_params} and
 * {@code updater_state_length} set), then data chunks of at most {@link
 * io.ringmaster.job.checkpoint.CheckpointChunks#MAX_CHUNK_BYTES} holding the params bytes, then the
 * updater-state bytes, each a little-endian float32 array ({@link io.ringmaster.job.checkpoint.FloatBytes}).
 *
 * <p>{@link io.ringmaster.job.checkpoint.CheckpointChunks} splits a checkpoint into that stream; {@link
 * io.ringmaster.job.checkpoint.CheckpointAssembler} puts it back together, checking every chunk and failing
 * with {@link io.ringmaster.job.checkpoint.MalformedChunkStreamException}; {@link
 * io.ringmaster.job.checkpoint.CheckpointSender} serves a checkpoint on a server-streaming call and {@link
 * io.ringmaster.job.checkpoint.CheckpointReceiver} receives one on a client call, both within the call's
 * flow control ({@link io.ringmaster.job.checkpoint.ReadyPump}).
 */
package io.ringmaster.job.checkpoint;
