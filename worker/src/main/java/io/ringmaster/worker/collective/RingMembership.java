package io.ringmaster.worker.collective;

import io.ringmaster.proto.v1.Membership;
import io.ringmaster.proto.v1.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One generation of one job's ring, as seen by one rank: every rank's address, indexed by rank. A worker
 * serves jobs one after another, and each job numbers its generations from its own start, so a ring is
 * named by (job, generation), never by the generation alone.
 *
 * @param jobId the job the ring trains; empty for a standalone ring (benchmarks, tests)
 * @param generation membership generation within the job; increases every time the ring is re-formed
 * @param rank this rank, 0 .. peers.size()-1
 * @param peers every rank's gRPC server address; {@code peers.get(i)} is rank i (this rank included)
 * @param token the ring's token from the coordinator ({@code Membership.ring_token}): presented to peers and
 *     required from them by {@link RingAdmission}; empty for a ring without one (benchmarks, tests). Never
 *     printed by {@link #toString()}.
 */
public record RingMembership(String jobId, long generation, int rank, List<PeerAddress> peers, String token) {
  public RingMembership {
    Objects.requireNonNull(jobId, "jobId");
    token = token == null ? "" : token;
    Objects.requireNonNull(peers, "peers");
    peers = List.copyOf(peers);
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("ring membership of generation " + generation + " has no peers");
    }
    if (rank < 0 || rank >= peers.size()) {
      throw new IllegalArgumentException(
          "rank " + rank + " is outside 0.." + (peers.size() - 1) + " for a ring of " + peers.size()
              + " peers (generation " + generation + ")");
    }
  }

  /** A ring without a token. */
  public RingMembership(String jobId, long generation, int rank, List<PeerAddress> peers) {
    this(jobId, generation, rank, peers, "");
  }

  /** A standalone ring, outside any job (benchmarks, tests): job id empty. */
  public RingMembership(long generation, int rank, List<PeerAddress> peers) {
    this("", generation, rank, peers, "");
  }

  /** The metadata this rank sends with its calls to the ring's peers: the ring's name and token. */
  public io.grpc.Metadata callHeaders() {
    return RingAdmission.headers(jobId, generation, token);
  }

  @Override
  public String toString() {
    return "RingMembership[" + describe() + ", rank " + rank + ", peers " + peers + ", token "
        + (token.isEmpty() ? "none" : "hidden") + "]";
  }

  /**
   * Converts the control plane's membership message, which {@code Assign} carries for job {@code jobId}.
   *
   * @throws IllegalArgumentException if the peers are not listed in rank order 0..N-1
   */
  public static RingMembership fromProto(String jobId, Membership membership) {
    List<PeerAddress> peers = new ArrayList<>(membership.getPeersCount());
    for (int i = 0; i < membership.getPeersCount(); i++) {
      Peer peer = membership.getPeers(i);
      if (peer.getRank() != i) {
        throw new IllegalArgumentException(
            "membership generation " + membership.getGeneration() + " lists rank " + peer.getRank()
                + " at position " + i + ": peers must be sorted by rank with peers[i].rank == i");
      }
      peers.add(new PeerAddress(peer.getHost(), peer.getPort()));
    }
    return new RingMembership(jobId, membership.getGeneration(), membership.getRank(), peers,
        membership.getRingToken());
  }

  /** "job J generation G" (or "generation G" for a standalone ring), for messages. */
  public String describe() {
    return describe(jobId, generation);
  }

  static String describe(String jobId, long generation) {
    return (jobId.isEmpty() ? "" : "job " + jobId + " ") + "generation " + generation;
  }

  /** Number of ranks N. */
  public int worldSize() {
    return peers.size();
  }

  /** The rank this one receives from: (rank - 1 + N) % N. */
  public int leftRank() {
    return Math.floorMod(rank - 1, peers.size());
  }

  /** The rank this one sends to: (rank + 1) % N. */
  public int rightRank() {
    return (rank + 1) % peers.size();
  }

  /** Address of {@code rank}. */
  public PeerAddress peer(int rank) {
    return peers.get(rank);
  }
}
