package io.ringmaster.coordinator.checkpoint;

import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointRef;

/**
 * A checkpoint read and verified from disk, with the reference it was found by.
 *
 * @param ref where it is stored
 * @param checkpoint its full contents (params and updater state included)
 */
public record LoadedCheckpoint(CheckpointRef ref, Checkpoint checkpoint) {}
