package io.ringmaster.coordinator.datasets;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.transfer.FileChunks;
import io.ringmaster.proto.v1.UploadChunk;
import io.ringmaster.proto.v1.UploadStatus;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code UploadChunks} call: the first message names the upload and its offset, every message's data
 * is appended as it arrives. A call that breaks leaves the upload where its last chunk brought it. The
 * upload must be the caller's tenant's ({@link DatasetScope}, fixed when the call starts).
 */
final class UploadChunksStream implements StreamObserver<UploadChunk> {
  private static final Logger log = LoggerFactory.getLogger(UploadChunksStream.class);

  private final DatasetStore store;
  private final DatasetScope scope;
  private final StreamObserver<UploadStatus> response;
  private String uploadId;
  private long offset = -1;
  private UploadStatus last;
  private boolean finished;

  UploadChunksStream(DatasetStore store, DatasetScope scope, StreamObserver<UploadStatus> response) {
    this.store = store;
    this.scope = scope;
    this.response = response;
  }

  @Override
  public void onNext(UploadChunk chunk) {
    if (finished) {
      return;
    }
    try {
      if (uploadId == null) {
        if (chunk.getUploadId().isEmpty()) {
          throw Status.INVALID_ARGUMENT.withDescription("the first UploadChunk must name the upload (upload_id);"
              + " get one from StartUpload").asRuntimeException();
        }
        uploadId = chunk.getUploadId();
        offset = chunk.getOffset();
      }
      if (chunk.getData().size() > FileChunks.CHUNK_BYTES) {
        throw Status.INVALID_ARGUMENT.withDescription("a chunk of upload " + uploadId + " holds "
            + chunk.getData().size() + " bytes; at most " + FileChunks.CHUNK_BYTES + " per message").asRuntimeException();
      }
      last = store.append(scope, uploadId, offset, chunk.getData().toByteArray());
      offset = last.getOffset();
      if (last.hasDataset()) {
        finish();
      }
    } catch (DatasetStoreException e) {
      fail(DatasetStatus.of(e));
    } catch (IOException e) {
      log.error("upload {}: cannot write", uploadId, e);
      fail(Status.INTERNAL.withDescription("the coordinator cannot write upload " + uploadId + ": " + e));
    } catch (io.grpc.StatusRuntimeException e) {
      fail(e.getStatus());
    }
  }

  @Override
  public void onError(Throwable t) {
    finished = true; // the client went away; the upload keeps the bytes received and can be resumed
    log.info("upload {} interrupted at byte {}: {}", uploadId, offset, Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    if (last == null) {
      try {
        last = uploadId == null ? null : store.status(scope, uploadId);
      } catch (DatasetStoreException e) {
        fail(DatasetStatus.of(e));
        return;
      }
    }
    if (last == null) {
      fail(Status.INVALID_ARGUMENT.withDescription("an UploadChunks call without any message"));
      return;
    }
    finish();
  }

  private void finish() {
    finished = true;
    response.onNext(last);
    response.onCompleted();
  }

  private void fail(Status s) {
    finished = true;
    response.onError(s.asRuntimeException());
  }
}
