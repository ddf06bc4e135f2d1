package io.ringmaster.worker;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.FetchStateRequest;
import io.ringmaster.proto.v1.ReplicaStateGrpc;
import io.ringmaster.job.checkpoint.CheckpointSender;
import java.util.function.Supplier;

/**
 * Serves this worker's paused replica to peers joining the next ring. Only a paused replica is served,
 * and only at the cursor the joiner expects, so a joiner never copies a state that is still changing.
 */
final class ReplicaStateService extends ReplicaStateGrpc.ReplicaStateImplBase {
  private final Supplier<JobRunner> runner;

  ReplicaStateService(Supplier<JobRunner> runner) {
    this.runner = runner;
  }

  @Override
  public void fetch(FetchStateRequest request, StreamObserver<CheckpointChunk> out) {
    JobRunner r = runner.get();
    JobRunner.Servable s = r == null || !r.jobId().equals(request.getJobId()) ? null : r.servable();
    if (s == null) {
      out.onError(Status.FAILED_PRECONDITION.withDescription("this worker holds no paused replica of job "
          + request.getJobId()).asRuntimeException());
      return;
    }
    if (s.epoch() != request.getEpoch() || s.step() != request.getStep()) {
      out.onError(Status.FAILED_PRECONDITION.withDescription("this replica is at epoch " + s.epoch() + " step "
          + s.step() + ", not epoch " + request.getEpoch() + " step " + request.getStep()).asRuntimeException());
      return;
    }
    CheckpointSender.send(s.state(), out); // chunked, flow-controlled, completes the call
  }
}
