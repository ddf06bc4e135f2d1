package io.ringmaster.worker.collective;

/**
 * A collective operation that could not complete. {@link #reason()} is a stable code:
 * {@code PeerLost} (a neighbour disconnected or stopped answering; gRPC UNAVAILABLE),
 * {@code RingChanged} (a frame of another generation arrived, or the group was closed; gRPC ABORTED),
 * {@code Mismatch} (ranks disagree on the buffer length or op sequence), {@code Timeout}.
 */
public class CollectiveException extends Exception {
  private static final long serialVersionUID = 1L;

  public static final String PEER_LOST = "PeerLost";
  public static final String RING_CHANGED = "RingChanged";
  public static final String MISMATCH = "Mismatch";
  public static final String TIMEOUT = "Timeout";

  private final String reason;
  /** Ranks that were lost or did not arrive, when known; empty otherwise. */
  private final int[] suspectRanks;

  public CollectiveException(String reason, String message, int[] suspectRanks, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.suspectRanks = suspectRanks == null ? new int[0] : suspectRanks.clone();
  }

  public CollectiveException(String reason, String message) {
    this(reason, message, null, null);
  }

  public String reason() {
    return reason;
  }

  public int[] suspectRanks() {
    return suspectRanks.clone();
  }
}
