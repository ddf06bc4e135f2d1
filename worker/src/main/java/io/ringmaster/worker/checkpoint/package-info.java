/**
 * Checkpoint transfer, worker side: {@link io.ringmaster.worker.checkpoint.CheckpointClient} uploads a
 * worker's checkpoint to the coordinator's {@code Checkpoints} service and downloads one to resume from.
 * The chunked stream format itself is shared with the coordinator and lives in {@code
 * io.ringmaster.job.checkpoint}.
 */
package io.ringmaster.worker.checkpoint;
