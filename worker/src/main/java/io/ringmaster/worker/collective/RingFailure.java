package io.ringmaster.worker.collective;

import java.util.Arrays;
import java.util.Objects;

/**
 * Why a ring stopped: the first failure a rank detected or was told about. Every rank of the ring
 * converges on the same failure (same reason, message and suspects), because each rank forwards the
 * first failure it sees to both neighbours.
 *
 * @param reason a {@link CollectiveException} reason code
 * @param message what happened, written by the rank that detected it (prefixed with that rank)
 * @param suspectRanks ranks that were lost, did not deliver, or disagreed; may be empty
 * @param originRank rank that detected the failure
 * @param cause local exception that revealed the failure, or null
 */
record RingFailure(String reason, String message, int[] suspectRanks, int originRank, Throwable cause) {
  RingFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    suspectRanks = suspectRanks == null ? new int[0] : suspectRanks.clone();
  }

  static RingFailure detected(int rank, String reason, String detail, int[] suspects, Throwable cause) {
    return new RingFailure(reason, "rank " + rank + ": " + detail, suspects, rank, cause);
  }

  @Override
  public int[] suspectRanks() {
    return suspectRanks.clone();
  }

  /** A new exception for one caller, with this failure as its origin. */
  CollectiveException toException() {
    return new CollectiveException(reason, message, suspectRanks, cause);
  }

  @Override
  public String toString() {
    return reason + " " + Arrays.toString(suspectRanks) + ": " + message;
  }
}
