package io.ringmaster.worker.checkpoint;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ringmaster.job.checkpoint.CheckpointChunks;
import io.ringmaster.job.checkpoint.CheckpointReceiver;
import io.ringmaster.job.checkpoint.ReadyPump;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.proto.v1.DownloadCheckpointRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Uploads checkpoints to and downloads them from the coordinator's {@code Checkpoints} service, in
 * chunks of at most 1 MiB sent only as fast as flow control allows. Thread-safe; blocking calls, each
 * bounded by the client's deadline (default {@link #DEFAULT_DEADLINE}).
 */
public final class CheckpointClient {
  /** Default deadline of one upload or download. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);

  private final CheckpointsGrpc.CheckpointsStub stub;
  private final Duration deadline;

  /** A client on {@code channel} (usually the worker's channel to the coordinator). */
  public CheckpointClient(Channel channel) {
    this(channel, DEFAULT_DEADLINE);
  }

  public CheckpointClient(Channel channel, Duration deadline) {
    this.stub = CheckpointsGrpc.newStub(Objects.requireNonNull(channel));
    this.deadline = Objects.requireNonNull(deadline);
  }

  /**
   * Stores {@code full} (with its params and updater-state bytes) on the coordinator.
   *
   * @return where the coordinator stored it
   * @throws IllegalArgumentException when the byte fields do not match {@code num_params} and
   *     {@code updater_state_length}
   * @throws StatusRuntimeException with the coordinator's status (e.g. FAILED_PRECONDITION when the job
   *     does not take checkpoints now), or DEADLINE_EXCEEDED, or CANCELLED when interrupted
   */
  public CheckpointRef upload(Checkpoint full) {
    List<CheckpointChunk> chunks = CheckpointChunks.split(full);
    CompletableFuture<CheckpointRef> result = new CompletableFuture<>();
    UploadCall call = new UploadCall(chunks, result);
    stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).upload(call);
    return await(result, call::cancel, "upload of checkpoint " + describe(full));
  }

  /**
   * Fetches a stored checkpoint, with its params and updater-state bytes.
   *
   * @throws StatusRuntimeException NOT_FOUND for an unknown checkpoint, DATA_LOSS when the stored file is
   *     damaged or the stream is malformed, DEADLINE_EXCEEDED, or CANCELLED when interrupted
   */
  public Checkpoint download(String jobId, String checkpointId) {
    String what = "checkpoint " + checkpointId + " of job " + jobId;
    CheckpointReceiver<DownloadCheckpointRequest> receiver = new CheckpointReceiver<>(what + " from the coordinator");
    stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).download(
        DownloadCheckpointRequest.newBuilder().setJobId(jobId).setCheckpointId(checkpointId).build(), receiver);
    return await(receiver.result(), () -> receiver.cancel("interrupted"), "download of " + what);
  }

  private static String describe(Checkpoint c) {
    return String.format("e%04d-s%06d of job %s", c.getEpoch(), c.getStep(), c.getJobId());
  }

  private static <T> T await(CompletableFuture<T> result, Runnable cancel, String what) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel.run();
      throw Status.CANCELLED.withDescription(what + " interrupted").withCause(e).asRuntimeException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StatusRuntimeException s) {
        throw new StatusRuntimeException(s.getStatus(), s.getTrailers());
      }
      throw Status.fromThrowable(cause).augmentDescription(what).asRuntimeException();
    }
  }

  /** The upload call: a flow-controlled request stream and one response. */
  private static final class UploadCall implements ClientResponseObserver<CheckpointChunk, CheckpointRef> {
    private final List<CheckpointChunk> chunks;
    private final CompletableFuture<CheckpointRef> result;
    private ReadyPump<CheckpointChunk> pump;
    private ClientCallStreamObserver<CheckpointChunk> requests;
    private CheckpointRef ref;

    UploadCall(List<CheckpointChunk> chunks, CompletableFuture<CheckpointRef> result) {
      this.chunks = chunks;
      this.result = result;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<CheckpointChunk> requestStream) {
      requests = requestStream;
      pump = new ReadyPump<>(requestStream, chunks.iterator());
      requestStream.setOnReadyHandler(pump);
    }

    void cancel() {
      pump.stop();
      requests.cancel("upload interrupted", null);
    }

    @Override
    public void onNext(CheckpointRef value) {
      ref = value;
    }

    @Override
    public void onError(Throwable t) {
      pump.stop();
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      if (ref == null) {
        result.completeExceptionally(Status.INTERNAL
            .withDescription("the coordinator completed the upload without returning a checkpoint reference")
            .asRuntimeException());
      } else {
        result.complete(ref);
      }
    }
  }
}
