package io.ringmaster.job.checkpoint;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;

/**
 * Serves a checkpoint on a server-streaming call ({@code Checkpoints.Download},
 * {@code ReplicaState.Fetch}) in the {@link CheckpointChunks} form, respecting the client's flow
 * control: chunks are sent as the transport becomes ready, never all at once.
 */
public final class CheckpointSender {
  private CheckpointSender() {}

  /**
   * Starts streaming {@code full} on {@code responses} and returns at once; the call is completed after
   * the last chunk, or abandoned if the client cancels. Call from the service method, before it returns.
   *
   * @throws IllegalArgumentException when {@code full}'s byte fields do not match its sizes
   */
  public static void send(Checkpoint full, StreamObserver<CheckpointChunk> responses) {
    ServerCallStreamObserver<CheckpointChunk> call = (ServerCallStreamObserver<CheckpointChunk>) responses;
    ReadyPump<CheckpointChunk> pump = new ReadyPump<>(call, CheckpointChunks.split(full).iterator());
    call.setOnCancelHandler(pump::stop);
    call.setOnReadyHandler(pump);
    // gRPC runs the handler once the method returns if the call is already ready, and on every change
    // to ready afterwards
  }
}
