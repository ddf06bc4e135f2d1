package io.ringmaster.worker;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.FetchStateRequest;
import io.ringmaster.proto.v1.ReplicaStateGrpc;
import io.ringmaster.job.checkpoint.CheckpointAssembler;
import io.ringmaster.worker.collective.CollectiveTransport;
import io.ringmaster.worker.collective.PeerAddress;
import io.ringmaster.worker.collective.RingOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Fetches a paused peer's replica ({@code ReplicaState.Fetch}) when joining a ring. */
final class PeerStateClient {
  private static final long DEADLINE_SECONDS = 120;

  Checkpoint fetch(PeerAddress peer, String jobId, long generation, int epoch, long step) throws IOException {
    ManagedChannel ch = CollectiveTransport.newChannel(peer, RingOptions.defaults());
    try {
      var it = ReplicaStateGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .fetch(FetchStateRequest.newBuilder().setJobId(jobId).setGeneration(generation).setEpoch(epoch)
              .setStep(step).build());
      CheckpointAssembler assembler = new CheckpointAssembler();
      it.forEachRemaining(assembler::accept);
      return assembler.finish();
    } catch (StatusRuntimeException e) {
      throw new IOException("cannot fetch the replica state from " + peer + ": " + e.getStatus(), e);
    } finally {
      ch.shutdownNow();
    }
  }
}
