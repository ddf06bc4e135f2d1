package io.ringmaster.coordinator.security;

import io.grpc.stub.StreamObserver;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.proto.v1.CoordinatorMessage;

/**
 * The coordinator's side of one worker's control stream: passes every message on, adding to an {@code
 * Assign} the two secrets that come with membership, at the last moment before it is sent (the job's state
 * machine never holds them):
 * <ul>
 *   <li>{@code Membership.ring_token}, the token of ring (job id, generation), which the ring's members
 *       present to each other;</li>
 *   <li>{@code Assign.job_secret}, the job's secret, which the worker then presents on every job-scoped call to
 *       the coordinator (checkpoints, data files, the model; {@link WorkerCallGuard}). A worker the scheduler
 *       started for the job already has it; a worker admitted by its client certificate, or a free worker, gets
 *       it here, and only for the job it was bound to.</li>
 * </ul>
 */
public final class AssignCredentialsStamper implements StreamObserver<CoordinatorMessage> {
  private final StreamObserver<CoordinatorMessage> out;
  private final JobCredentials credentials;

  public AssignCredentialsStamper(StreamObserver<CoordinatorMessage> out, JobCredentials credentials) {
    this.out = out;
    this.credentials = credentials;
  }

  @Override
  public void onNext(CoordinatorMessage m) {
    if (m.hasAssign()) {
      var a = m.getAssign();
      m = m.toBuilder().setAssign(a.toBuilder()
          .setJobSecret(credentials.jobSecret(a.getJobId()))
          .setMembership(a.getMembership().toBuilder()
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
