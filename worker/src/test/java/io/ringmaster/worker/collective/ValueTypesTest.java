package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Peer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation and conversions of the public value types and of failures on the wire. */
class ValueTypesTest {
  private static final List<PeerAddress> THREE = List.of(
      new PeerAddress("10.0.0.1", 7001), new PeerAddress("10.0.0.2", 7002), new PeerAddress("::1", 7003));

  @Test
  void membershipKnowsItsNeighboursAndConvertsFromTheControlPlane() {
    RingMembership m = new RingMembership("job-7", 4, 0, THREE);
    assertThat(m.worldSize()).isEqualTo(3);
    assertThat(m.leftRank()).isEqualTo(2);
    assertThat(m.rightRank()).isEqualTo(1);
    assertThat(m.peer(2).toString()).isEqualTo("[::1]:7003");

    Membership proto = Membership.newBuilder().setGeneration(4).setRank(0)
        .addPeers(Peer.newBuilder().setRank(0).setHost("10.0.0.1").setPort(7001))
        .addPeers(Peer.newBuilder().setRank(1).setHost("10.0.0.2").setPort(7002))
        .addPeers(Peer.newBuilder().setRank(2).setHost("::1").setPort(7003))
        .build();
    assertThat(RingMembership.fromProto("job-7", proto)).isEqualTo(m);
    assertThat(m.describe()).isEqualTo("job job-7 generation 4");
  }

  @Test
  void invalidMembershipsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> new RingMembership(1, 3, THREE)).hasMessageContaining("rank 3 is outside 0..2");
    assertThatThrownBy(() -> new RingMembership(1, 0, List.of())).hasMessageContaining("no peers");
    assertThatThrownBy(() -> new PeerAddress("h", 0)).hasMessageContaining("outside 1-65535");
    assertThatThrownBy(() -> RingMembership.fromProto("j", Membership.newBuilder()
        .addPeers(Peer.newBuilder().setRank(1).setHost("h").setPort(1)).build()))
        .hasMessageContaining("sorted by rank");
  }

  @Test
  void optionsRejectFramesNearGrpcsMessageLimitAndNonsense() {
    assertThatThrownBy(() -> RingOptions.defaults().withChunkBytes(4 * 1024 * 1024))
        .hasMessageContaining("4 MiB message limit");
    assertThatThrownBy(() -> RingOptions.defaults().withChunkBytes(4098)).hasMessageContaining("multiple of 4");
    assertThatThrownBy(() -> RingOptions.defaults().withOpTimeout(Duration.ZERO)).hasMessageContaining("opTimeout");
    assertThatThrownBy(() -> RingOptions.defaults().withFramesAhead(0)).hasMessageContaining("framesAhead");
    assertThat(RingOptions.defaults().withChunkBytes(RingOptions.MAX_CHUNK_BYTES).sendBufferBytes())
        .isGreaterThanOrEqualTo(RingOptions.MAX_CHUNK_BYTES);
  }

  @Test
  void failuresSurviveTheTripThroughAbortFramesAndStatusTrailers() {
    RingFailure f = RingFailure.detected(2, CollectiveException.PEER_LOST, "lost rank 3", new int[] {3}, null);
    RingFailure viaAbort = FailureCodec.fromAbort(FailureCodec.toAbort(f, 7, 11));
    assertThat(viaAbort.reason()).isEqualTo(CollectiveException.PEER_LOST);
    assertThat(viaAbort.message()).isEqualTo("rank 2: lost rank 3");
    assertThat(viaAbort.suspectRanks()).containsExactly(3);
    assertThat(viaAbort.originRank()).isEqualTo(2);

    StatusRuntimeException status = FailureCodec.toStatus(f);
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    RingFailure viaStatus = FailureCodec.fromOutboundError(status, 1, 2, THREE.get(2));
    assertThat(viaStatus.reason()).isEqualTo(CollectiveException.PEER_LOST);
    assertThat(viaStatus.suspectRanks()).containsExactly(3);
    assertThat(viaStatus.message()).isEqualTo("rank 2: lost rank 3");
  }

  @Test
  void statusCodesMapToReasonsByWhatTheCallerShouldDo() {
    assertThat(FailureCodec.codeFor(CollectiveException.RING_CHANGED)).isEqualTo(Status.Code.ABORTED);
    assertThat(FailureCodec.codeFor(CollectiveException.MISMATCH)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(FailureCodec.codeFor(CollectiveException.TIMEOUT)).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // a transport error without our trailers is the transport's verdict on the peer
    PeerAddress peer = THREE.get(1);
    assertThat(FailureCodec.fromOutboundError(Status.UNAVAILABLE.asRuntimeException(), 0, 1, peer).reason())
        .isEqualTo(CollectiveException.PEER_LOST);
    assertThat(FailureCodec.fromOutboundError(Status.ABORTED.asRuntimeException(), 0, 1, peer).reason())
        .isEqualTo(CollectiveException.RING_CHANGED);
    assertThat(FailureCodec.fromOutboundError(
        Status.INVALID_ARGUMENT.asRuntimeException(new Metadata()), 0, 1, peer).suspectRanks())
        .containsExactly(1);
  }
}
