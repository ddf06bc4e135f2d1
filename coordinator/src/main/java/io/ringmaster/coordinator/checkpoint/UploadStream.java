package io.ringmaster.coordinator.checkpoint;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.job.checkpoint.CheckpointAssembler;
import io.ringmaster.job.checkpoint.MalformedChunkStreamException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@code Checkpoints.Upload} call: checks the chunk stream, admits the job, stores the checkpoint. */
final class UploadStream implements StreamObserver<CheckpointChunk> {
  private static final Logger log = LoggerFactory.getLogger(UploadStream.class);

  private final CheckpointStore store;
  private final CheckpointSink sink;
  private final CheckpointAssembler assembler;
  private final StreamObserver<CheckpointRef> response;
  /** The job the call was authenticated for: the only one it may upload a checkpoint of. */
  private final io.ringmaster.coordinator.security.AuthenticatedJob caller;
  private boolean finished;

  UploadStream(CheckpointStore store, CheckpointSink sink, long maxPayloadBytes,
      io.ringmaster.coordinator.security.AuthenticatedJob caller, StreamObserver<CheckpointRef> response) {
    this.store = store;
    this.sink = sink;
    this.caller = caller;
    this.assembler = new CheckpointAssembler(maxPayloadBytes);
    this.response = response;
  }

  @Override
  public void onNext(CheckpointChunk chunk) {
    if (finished) {
      return; // already answered with an error; the rest of the stream is dropped
    }
    try {
      boolean first = assembler.header() == null;
      assembler.accept(chunk);
      if (first) {
        checkHeader(assembler.header());
      }
    } catch (MalformedChunkStreamException e) {
      fail(Status.INVALID_ARGUMENT.withDescription("malformed checkpoint upload: " + e.getMessage()));
    } catch (StatusRuntimeException e) {
      fail(e.getStatus());
    }
  }

  @Override
  public void onError(Throwable t) {
    finished = true; // the client went away: nothing to answer
    log.debug("checkpoint upload abandoned by the client: {}", Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    Checkpoint full;
    try {
      full = assembler.finish();
      admit(full.getJobId());
    } catch (MalformedChunkStreamException e) {
      fail(Status.INVALID_ARGUMENT.withDescription("malformed checkpoint upload: " + e.getMessage()));
      return;
    } catch (StatusRuntimeException e) {
      fail(e.getStatus());
      return;
    }
    CheckpointRef ref;
    try {
      ref = store.save(full.getJobId(), full);
    } catch (IllegalArgumentException e) {
      fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      log.error("cannot store checkpoint e{}-s{} of job {}", full.getEpoch(), full.getStep(), full.getJobId(), e);
      fail(Status.INTERNAL.withDescription("the coordinator could not store checkpoint "
          + CheckpointIds.of(full.getEpoch(), full.getStep()) + " of job " + full.getJobId() + ": " + e)
          .withCause(e));
      return;
    }
    try {
      sink.stored(ref);
    } catch (RuntimeException e) {
      log.error("checkpoint {} of job {} was stored but the job layer failed to take it", ref.getId(),
          ref.getJobId(), e);
      fail(Status.INTERNAL.withDescription("checkpoint " + ref.getId() + " of job " + ref.getJobId()
          + " was stored but not recorded by the job: " + e).withCause(e));
      return;
    }
    finished = true;
    response.onNext(ref);
    response.onCompleted();
  }

  private void checkHeader(Checkpoint h) {
    if (h.getJobId().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("malformed checkpoint upload: the header has no job_id")
          .asRuntimeException();
    }
    if (h.getEpoch() < 1 || h.getStep() < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("malformed checkpoint upload: the header of job "
          + h.getJobId() + " has epoch " + h.getEpoch() + " and step " + h.getStep()
          + " (epochs count from 1, steps from 0)").asRuntimeException();
    }
    // the job the call was authenticated for, before anything is asked about the job (no existence oracle),
    // any further chunk is taken or anything stored
    caller.requireSame(h.getJobId(), "this checkpoint upload");
    admit(h.getJobId());
  }

  private void admit(String jobId) {
    CheckpointSink.Admission a;
    try {
      a = sink.admit(jobId);
    } catch (RuntimeException e) {
      log.error("the job layer failed to admit a checkpoint of job {}", jobId, e);
      throw Status.INTERNAL.withDescription("the coordinator could not check whether job " + jobId
          + " takes checkpoints: " + e).withCause(e).asRuntimeException();
    }
    switch (a.verdict()) {
      case ACCEPT -> { }
      case UNKNOWN_JOB -> throw Status.NOT_FOUND.withDescription("no job " + jobId + " on this coordinator")
          .asRuntimeException();
      case REFUSE -> throw Status.FAILED_PRECONDITION.withDescription("job " + jobId
          + " does not take checkpoints now" + (a.detail().isEmpty() ? "" : ": " + a.detail()))
          .asRuntimeException();
    }
  }

  private void fail(Status status) {
    finished = true;
    response.onError(status.asRuntimeException());
  }
}
