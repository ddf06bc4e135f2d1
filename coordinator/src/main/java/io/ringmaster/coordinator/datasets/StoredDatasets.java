package io.ringmaster.coordinator.datasets;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The job layer's view of the dataset store: where stored bytes are, by name or SHA-256, as a {@link
 * DatasetScope} sees them (a job submitted for a tenant names only that tenant's datasets).
 */
@FunctionalInterface
public interface StoredDatasets {
  /**
   * The bytes a dataset reference identifies for {@code scope} (a name, a SHA-256, or {@code TENANT/NAME}
   * for a scope seeing that tenant), or empty when none are stored or {@code scope} does not see them.
   */
  Optional<StoredFile> find(DatasetScope scope, String ref);

  /** Stored bytes: their SHA-256 and the file holding them on the coordinator. */
  record StoredFile(String sha256, Path path) {}

  /** A coordinator without stored datasets. */
  StoredDatasets NONE = (scope, ref) -> Optional.empty();
}
