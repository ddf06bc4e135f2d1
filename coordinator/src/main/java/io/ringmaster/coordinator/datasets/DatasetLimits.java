package io.ringmaster.coordinator.datasets;

import java.time.Duration;

/**
 * How much a coordinator's {@link DatasetStore} accepts. Each limit is checked when an upload starts
 * ({@code StartUpload}), so a client learns it before sending a byte; a refusal is
 * {@code RESOURCE_EXHAUSTED} with a message naming the limit, its setting and what to do.
 *
 * @param maxDatasetBytes largest single dataset (file) accepted
 * @param maxStoreBytes most bytes the store may hold: stored datasets plus the announced sizes of the
 *     unfinished uploads (each upload reserves its whole size when it starts); 0 means no limit
 * @param maxConcurrentUploads most unfinished uploads at once (started and neither finished, failed nor
 *     expired); resuming an upload does not open a new one
 * @param uploadExpiry how long an unfinished upload may go untouched before it is deleted (and its
 *     reservation and slot freed)
 */
public record DatasetLimits(long maxDatasetBytes, long maxStoreBytes, int maxConcurrentUploads, Duration uploadExpiry) {
  /** Default largest dataset: 8 GiB. */
  public static final long DEFAULT_MAX_DATASET_BYTES = 8L << 30;
  /** Default store size: no limit (0). */
  public static final long DEFAULT_MAX_STORE_BYTES = 0;
  /** Default number of unfinished uploads at once. */
  public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 8;
  /** Default time after which an unfinished upload nobody touches is deleted. */
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(1);

  public static final DatasetLimits DEFAULTS = new DatasetLimits(DEFAULT_MAX_DATASET_BYTES, DEFAULT_MAX_STORE_BYTES,
      DEFAULT_MAX_CONCURRENT_UPLOADS, DEFAULT_UPLOAD_EXPIRY);

  public DatasetLimits {
    if (maxDatasetBytes < 1) {
      throw new IllegalArgumentException("maxDatasetBytes must be >= 1, got " + maxDatasetBytes);
    }
    if (maxStoreBytes < 0) {
      throw new IllegalArgumentException("maxStoreBytes must be >= 0 (0: no limit), got " + maxStoreBytes);
    }
    if (maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("maxConcurrentUploads must be >= 1, got " + maxConcurrentUploads);
    }
    if (uploadExpiry == null || uploadExpiry.isNegative() || uploadExpiry.isZero()) {
      throw new IllegalArgumentException("uploadExpiry must be positive, got " + uploadExpiry);
    }
  }

  /** Whether the store's total size is bounded. */
  public boolean storeBounded() {
    return maxStoreBytes > 0;
  }
}
