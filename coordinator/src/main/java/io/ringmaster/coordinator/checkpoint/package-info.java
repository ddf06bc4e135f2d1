/**
 * Checkpoints on the coordinator: the verified on-disk format, per-job storage with retention and
 * fallback to the newest valid checkpoint, provenance, and the {@code Checkpoints} gRPC service.
 *
 * <p>Public API: {@link io.ringmaster.coordinator.checkpoint.CheckpointFile} (write atomically and
 * durably, read with verification; {@link io.ringmaster.coordinator.checkpoint.CorruptCheckpointException}
 * says why a file is bad), {@link io.ringmaster.coordinator.checkpoint.CheckpointStore} (save, load,
 * newestValid, retention), {@link io.ringmaster.coordinator.checkpoint.ProvenanceFactory} (what produced
 * a checkpoint; data file hashes cached by {@link io.ringmaster.coordinator.checkpoint.FileDigests}), and
 * {@link io.ringmaster.coordinator.checkpoint.CheckpointService} with the
 * {@link io.ringmaster.coordinator.checkpoint.CheckpointSink} the job layer implements.
 */
package io.ringmaster.coordinator.checkpoint;
