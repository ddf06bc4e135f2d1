package io.ringmaster.coordinator.security;

import io.grpc.stub.StreamObserver;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.proto.v1.CoordinatorMessage;

/**
 * The coordinator's side of one worker's control stream: passes every message on, adding to an {@code
 * Assign} the token of its ring ({@code Membership.ring_token} for (job id, generation)), which the
 * ring's members present to each other.
 */
public final class RingTokenStamper implements StreamObserver<CoordinatorMessage> {
  private final StreamObserver<CoordinatorMessage> out;
  private final JobCredentials credentials;

  public RingTokenStamper(StreamObserver<CoordinatorMessage> out, JobCredentials credentials) {
    this.out = out;
    this.credentials = credentials;
  }

  @Override
  public void onNext(CoordinatorMessage m) {
    if (m.hasAssign()) {
      var a = m.getAssign();
      m = m.toBuilder().setAssign(a.toBuilder().setMembership(a.getMembership().toBuilder()
          .setRingToken(credentials.ringToken(a.getJobId(), a.getMembership().getGeneration())))).build();
    }
    out.onNext(m);
  }

  @Override
  public void onError(Throwable t) {
    out.onError(t);
  }

  @Override
  public void onCompleted() {
    out.onCompleted();
  }
}
