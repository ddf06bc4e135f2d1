package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.CheckpointRef;
import java.util.Comparator;

/** Orderings of {@link CheckpointRef}s shared by every {@link JobStore}. */
public final class CheckpointRefs {
  /**
   * Furthest training progress first: epoch, then step, descending; at equal cursor a completed epoch
   * first, then the most recently created, then by id. Wall-clock independent for distinct cursors, so
   * the newest checkpoint is the one a job resumes from.
   */
  public static final Comparator<CheckpointRef> NEWEST_FIRST = Comparator
      .comparingInt(CheckpointRef::getEpoch)
      .thenComparingLong(CheckpointRef::getStep)
      .thenComparing(CheckpointRef::getEpochComplete)
      .thenComparingLong(CheckpointRef::getCreatedAtMs)
      .reversed()
      .thenComparing(CheckpointRef::getId);

  private CheckpointRefs() {}
}
