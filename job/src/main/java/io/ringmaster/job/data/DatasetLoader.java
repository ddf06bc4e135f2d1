package io.ringmaster.job.data;

import io.ringmaster.job.spec.DatasetRef;
import java.util.Objects;

/** Loads a {@link DatasetRef} into memory with the reader its format calls for. */
public final class DatasetLoader {
  private DatasetLoader() {}

  /**
   * Reads the whole dataset.
   *
   * @throws DatasetException if a file is missing, unreadable or malformed; {@link DatasetException#source()}
   *     says which part of the reference is at fault
   */
  public static Dataset load(DatasetRef ref) throws DatasetException {
    Objects.requireNonNull(ref, "ref");
    return switch (ref.format()) {
      case IDX -> IdxReader.read(ref.path(), ref.labelsPath());
      case CSV -> CsvReader.read(ref.path(), ref.labelColumn());
    };
  }
}
