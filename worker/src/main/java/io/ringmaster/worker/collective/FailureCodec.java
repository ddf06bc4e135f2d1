package io.ringmaster.worker.collective;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.RingAbort;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Translates {@link RingFailure}s to and from what crosses the wire: {@link RingAbort} frames (sent
 * downstream) and gRPC statuses with trailers (sent upstream, to the stream's sender). The status code
 * tells the caller what to do: UNAVAILABLE lost peer, ABORTED ring changed, INVALID_ARGUMENT mismatch,
 * DEADLINE_EXCEEDED timeout.
 */
final class FailureCodec {
  static final Metadata.Key<String> REASON_KEY =
      Metadata.Key.of("ringmaster-reason", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SUSPECTS_KEY =
      Metadata.Key.of("ringmaster-suspect-ranks", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ORIGIN_KEY =
      Metadata.Key.of("ringmaster-origin-rank", Metadata.ASCII_STRING_MARSHALLER);

  private FailureCodec() {}

  static Status.Code codeFor(String reason) {
    return switch (reason) {
      case CollectiveException.PEER_LOST -> Status.Code.UNAVAILABLE;
      case CollectiveException.RING_CHANGED -> Status.Code.ABORTED;
      case CollectiveException.MISMATCH -> Status.Code.INVALID_ARGUMENT;
      case CollectiveException.TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      default -> Status.Code.INTERNAL;
    };
  }

  /** The status a receiver ends its inbound call with, so the sender adopts the same failure. */
  static StatusRuntimeException toStatus(RingFailure failure) {
    Metadata trailers = new Metadata();
    trailers.put(REASON_KEY, failure.reason());
    trailers.put(SUSPECTS_KEY, Arrays.stream(failure.suspectRanks())
        .mapToObj(Integer::toString).collect(Collectors.joining(",")));
    trailers.put(ORIGIN_KEY, Integer.toString(failure.originRank()));
    return Status.fromCode(codeFor(failure.reason()))
        .withDescription(failure.message())
        .asRuntimeException(trailers);
  }

  static RingAbort toAbort(RingFailure failure, long generation, long opSeq) {
    RingAbort.Builder abort = RingAbort.newBuilder()
        .setGeneration(generation)
        .setOpSeq(opSeq)
        .setReason(failure.reason())
        .setMessage(failure.message())
        .setOriginRank(failure.originRank());
    for (int r : failure.suspectRanks()) {
      abort.addSuspectRanks(r);
    }
    return abort.build();
  }

  static RingFailure fromAbort(RingAbort abort) {
    int[] suspects = abort.getSuspectRanksList().stream().mapToInt(Integer::intValue).toArray();
    return new RingFailure(abort.getReason(), abort.getMessage(), suspects, abort.getOriginRank(), null);
  }

  /**
   * The failure a sender adopts when its outgoing call ends with an error. A status raised by the ring
   * carries our trailers and is adopted as is; anything else is the transport's verdict on the
   * receiving peer.
   *
   * @param self this (sending) rank
   * @param peerRank the receiving rank
   * @param peer its address
   */
  static RingFailure fromOutboundError(Throwable error, int self, int peerRank, PeerAddress peer) {
    Status status = Status.fromThrowable(error);
    Metadata trailers = Status.trailersFromThrowable(error);
    if (trailers != null && trailers.get(REASON_KEY) != null) {
      return new RingFailure(trailers.get(REASON_KEY), String.valueOf(status.getDescription()),
          parseRanks(trailers.get(SUSPECTS_KEY)), parseRank(trailers.get(ORIGIN_KEY), peerRank), error);
    }
    String what = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    return switch (status.getCode()) {
      case ABORTED -> RingFailure.detected(self, CollectiveException.RING_CHANGED,
          "rank " + peerRank + " at " + peer + " rejected the ring stream (" + what + "); the ranks do"
              + " not agree on the membership generation: re-form the ring",
          new int[] {peerRank}, error);
      case INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED -> RingFailure.detected(self,
          CollectiveException.MISMATCH,
          "rank " + peerRank + " at " + peer + " refused the ring stream (" + what + ")",
          new int[] {peerRank}, error);
      default -> RingFailure.detected(self, CollectiveException.PEER_LOST,
          "lost rank " + peerRank + " at " + peer + ": the stream to it failed (" + what + "); check"
              + " that worker's process and log, then re-form the ring",
          new int[] {peerRank}, error);
    };
  }

  private static int[] parseRanks(String csv) {
    if (csv == null || csv.isBlank()) {
      return new int[0];
    }
    try {
      return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      return new int[0];
    }
  }

  private static int parseRank(String s, int fallback) {
    try {
      return s == null ? fallback : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
