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

/**
 * Fetches a paused peer's replica ({@code ReplicaState.Fetch}) when joining a ring, presenting the new ring's
 * name and token (the holder's {@code RingAdmission} admits members of that ring only).
 */
final class PeerStateClient {
  private static final long DEADLINE_SECONDS = 120;
  private final io.ringmaster.job.security.TransportSecurity security;

  PeerStateClient(io.ringmaster.job.security.TransportSecurity security) {
    this.security = security;
  }

  Checkpoint fetch(PeerAddress peer, io.ringmaster.worker.collective.RingMembership ring, int epoch, long step)
      throws IOException {
    String jobId = ring.jobId();
    long generation = ring.generation();
    ManagedChannel ch = CollectiveTransport.newChannel(peer, RingOptions.defaults(), security);
    try {
      var it = ReplicaStateGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(ring.callHeaders()))
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
