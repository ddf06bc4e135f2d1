package io.ringmaster.job.checkpoint;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import java.util.concurrent.CompletableFuture;

/**
 * Receives a checkpoint on a server-streaming client call ({@code Checkpoints.Download},
 * {@code ReplicaState.Fetch}) and completes {@link #result()} with it. A stream that breaks the
 * {@link CheckpointChunks} format cancels the call and fails the result with {@code DATA_LOSS}; a
 * failed call fails it with the call's status (as a {@link io.grpc.StatusRuntimeException}).
 *
 * @param <ReqT> the call's request type
 */
public final class CheckpointReceiver<ReqT> implements ClientResponseObserver<ReqT, CheckpointChunk> {
  private final CheckpointAssembler assembler;
  private final String source;
  private final CompletableFuture<Checkpoint> result = new CompletableFuture<>();
  private ClientCallStreamObserver<ReqT> call;

  /**
   * @param source what is being received from where, for error messages (e.g. "checkpoint e0001-s000010
   *     of job x from the coordinator")
   */
  public CheckpointReceiver(String source) {
    this(source, new CheckpointAssembler());
  }

  public CheckpointReceiver(String source, CheckpointAssembler assembler) {
    this.source = source;
    this.assembler = assembler;
  }

  /** Completes with the full checkpoint, or exceptionally with a {@link io.grpc.StatusRuntimeException}. */
  public CompletableFuture<Checkpoint> result() {
    return result;
  }

  /** Cancels the call (e.g. the waiting thread was interrupted); {@link #result()} fails with CANCELLED. */
  public void cancel(String why) {
    result.completeExceptionally(Status.CANCELLED.withDescription(why + " while receiving " + source)
        .asRuntimeException());
    if (call != null) {
      call.cancel(why, null);
    }
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
    this.call = requestStream;
  }

  @Override
  public void onNext(CheckpointChunk chunk) {
    if (result.isDone()) {
      return;
    }
    try {
      assembler.accept(chunk);
    } catch (MalformedChunkStreamException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(Status.fromThrowable(t)
        .augmentDescription("while receiving " + source).asRuntimeException());
  }

  @Override
  public void onCompleted() {
    try {
      result.complete(assembler.finish());
    } catch (MalformedChunkStreamException e) {
      fail(e);
    }
  }

  private void fail(MalformedChunkStreamException e) {
    Status status = Status.DATA_LOSS.withDescription("malformed stream while receiving " + source + ": "
        + e.getMessage());
    result.completeExceptionally(status.asRuntimeException());
    if (call != null) {
      call.cancel(status.getDescription(), null);
    }
  }
}
