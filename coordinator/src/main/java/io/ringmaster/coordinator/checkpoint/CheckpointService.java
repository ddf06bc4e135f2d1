package io.ringmaster.coordinator.checkpoint;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.security.AuthenticatedJob;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.proto.v1.DownloadCheckpointRequest;
import io.ringmaster.job.checkpoint.CheckpointAssembler;
import io.ringmaster.job.checkpoint.CheckpointSender;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's {@code Checkpoints} gRPC service: workers upload checkpoints (stored through the
 * {@link CheckpointStore} when the {@link CheckpointSink} admits the job) and download stored ones. Every
 * call was authenticated for one job by the {@link io.ringmaster.coordinator.security.WorkerCallGuard} in front
 * of this service ({@link AuthenticatedJob}); a call that names another job is PERMISSION_DENIED before
 * anything is looked up, read or stored, and a service installed without the guard serves nothing.
 * Status codes: INVALID_ARGUMENT for a malformed upload stream or request, NOT_FOUND for an unknown job
 * or checkpoint, FAILED_PRECONDITION when the job takes no checkpoints now, DATA_LOSS when a stored file
 * is corrupt or missing, INTERNAL when storing fails.
 */
public final class CheckpointService extends CheckpointsGrpc.CheckpointsImplBase {
  private static final Logger log = LoggerFactory.getLogger(CheckpointService.class);

  private final CheckpointStore store;
  private final CheckpointSink sink;
  private final long maxPayloadBytes;

  /** A service accepting checkpoints of up to {@link CheckpointAssembler#DEFAULT_MAX_PAYLOAD_BYTES}. */
  public CheckpointService(CheckpointStore store, CheckpointSink sink) {
    this(store, sink, CheckpointAssembler.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /** @param maxPayloadBytes largest params + updater-state size accepted in one upload */
  public CheckpointService(CheckpointStore store, CheckpointSink sink, long maxPayloadBytes) {
    this.store = Objects.requireNonNull(store);
    this.sink = Objects.requireNonNull(sink);
    this.maxPayloadBytes = maxPayloadBytes;
  }

  @Override
  public StreamObserver<CheckpointChunk> upload(StreamObserver<CheckpointRef> response) {
    return new UploadStream(store, sink, maxPayloadBytes, AuthenticatedJob.current(), response);
  }

  @Override
  public void download(DownloadCheckpointRequest request, StreamObserver<CheckpointChunk> responses) {
    String jobId = request.getJobId();
    String id = request.getCheckpointId();
    if (jobId.isEmpty() || id.isEmpty()) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("a checkpoint download needs job_id and "
          + "checkpoint_id (got job_id '" + jobId + "', checkpoint_id '" + id + "')").asRuntimeException());
      return;
    }
    try {
      AuthenticatedJob.current().requireSame(jobId, "this checkpoint download");
    } catch (io.grpc.StatusRuntimeException e) {
      responses.onError(e);
      return;
    }
    Optional<CheckpointRef> ref = store.find(jobId, id);
    if (ref.isEmpty()) {
      List<String> known = store.list(jobId).stream().map(CheckpointRef::getId).toList();
      responses.onError(Status.NOT_FOUND.withDescription("no checkpoint " + id + " of job " + jobId
          + (known.isEmpty() ? " (the job has no checkpoints)" : " (it has " + String.join(", ", known) + ")"))
          .asRuntimeException());
      return;
    }
    Checkpoint full;
    try {
      full = store.load(ref.get());
    } catch (CorruptCheckpointException e) {
      log.warn("download of a corrupt checkpoint: {}", e.getMessage());
      responses.onError(Status.DATA_LOSS.withDescription("checkpoint " + id + " of job " + jobId + ": "
          + e.getMessage()).asRuntimeException());
      return;
    } catch (NoSuchFileException e) {
      responses.onError(Status.DATA_LOSS.withDescription("checkpoint " + id + " of job " + jobId
          + " is recorded but its file " + store.fileOf(ref.get()) + " is missing").asRuntimeException());
      return;
    } catch (IOException e) {
      log.error("cannot read checkpoint {} of job {}", id, jobId, e);
      responses.onError(Status.INTERNAL.withDescription("cannot read checkpoint " + id + " of job " + jobId
          + ": " + e).withCause(e).asRuntimeException());
      return;
    }
    CheckpointSender.send(full, responses);
  }
}
