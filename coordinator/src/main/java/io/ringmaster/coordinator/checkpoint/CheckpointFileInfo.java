package io.ringmaster.coordinator.checkpoint;

/**
 * What {@link CheckpointFile#write} produced.
 *
 * @param sha256 SHA-256 of the payload (the Checkpoint's proto bytes), lowercase hex
 * @param sizeBytes size of the whole file
 */
public record CheckpointFileInfo(String sha256, long sizeBytes) {}
