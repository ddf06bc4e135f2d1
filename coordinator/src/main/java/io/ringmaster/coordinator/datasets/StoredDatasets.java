package io.ringmaster.coordinator.datasets;

import java.nio.file.Path;
import java.util.Optional;

/** The job layer's view of the dataset store: where stored bytes are, by name or SHA-256. */
@FunctionalInterface
public interface StoredDatasets {
  /** The bytes a dataset name or SHA-256 identifies, or empty when none are stored. */
  Optional<StoredFile> find(String nameOrHash);

  /** Stored bytes: their SHA-256 and the file holding them on the coordinator. */
  record StoredFile(String sha256, Path path) {}

  /** A coordinator without stored datasets. */
  StoredDatasets NONE = x -> Optional.empty();
}
