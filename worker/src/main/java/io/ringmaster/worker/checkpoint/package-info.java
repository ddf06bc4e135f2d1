/**
 * Checkpoint transfer, worker side: the chunked stream format of {@code CheckpointChunk} shared by the
 * coordinator's {@code Checkpoints} service and the workers' {@code ReplicaState} service, and a client
 * for the coordinator.
 *
 * <p>Public API: {@link io.ringmaster.worker.checkpoint.CheckpointClient} (upload and download),
 * {@link io.ringmaster.worker.checkpoint.CheckpointChunks} (split a full checkpoint into a header and
 * data chunks), {@link io.ringmaster.worker.checkpoint.CheckpointAssembler} (put them back together,
 * checking the stream), {@link io.ringmaster.worker.checkpoint.CheckpointSender} (serve a checkpoint on a
 * server-streaming call with flow control), {@link io.ringmaster.worker.checkpoint.CheckpointReceiver}
 * (receive one on a client call) and {@link io.ringmaster.worker.checkpoint.FloatBytes} (float arrays to
 * and from little-endian bytes).
 */
package io.ringmaster.worker.checkpoint;
