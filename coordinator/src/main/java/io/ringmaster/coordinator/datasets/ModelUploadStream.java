package io.ringmaster.coordinator.datasets;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.transfer.AtomicFiles;
import io.ringmaster.job.transfer.FileChunks;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.FileHeader;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.ModelRef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code UploadModel} call from rank 0: the header names the job (the one the call was authenticated
 * for, else PERMISSION_DENIED before anything is written), size and SHA-256; the bytes go to a
 * temporary file in the job's directory and, when size and hash match, replace {@code model.zip}
 * atomically. Anything else deletes the temporary file and leaves the previous model (if any) in place.
 */
final class ModelUploadStream implements StreamObserver<FileChunk> {
  private static final Logger log = LoggerFactory.getLogger(ModelUploadStream.class);

  private final JobFiles jobs;
  /** The job the call was authenticated for: the only one whose model it may store. */
  private final io.ringmaster.coordinator.security.AuthenticatedJob caller;
  private final StreamObserver<ModelRef> response;
  private FileHeader header;
  private Path target;
  private Path tmp;
  private OutputStream out;
  private MessageDigest sha;
  private long received;
  private boolean finished;

  ModelUploadStream(JobFiles jobs, io.ringmaster.coordinator.security.AuthenticatedJob caller,
      StreamObserver<ModelRef> response) {
    this.jobs = jobs;
    this.caller = caller;
    this.response = response;
  }

  @Override
  public void onNext(FileChunk chunk) {
    if (finished) {
      return;
    }
    try {
      if (header == null) {
        open(chunk);
        return;
      }
      if (!chunk.hasData() || chunk.getData().size() > FileChunks.CHUNK_BYTES) {
        fail(Status.INVALID_ARGUMENT.withDescription("model upload of job " + header.getJobId() + ": after the"
            + " header every message must be data of at most " + FileChunks.CHUNK_BYTES + " bytes"));
        return;
      }
      received += chunk.getData().size();
      if (received > header.getSizeBytes()) {
        fail(Status.INVALID_ARGUMENT.withDescription("model upload of job " + header.getJobId() + ": more than the "
            + header.getSizeBytes() + " bytes announced"));
        return;
      }
      byte[] b = chunk.getData().toByteArray();
      sha.update(b);
      out.write(b);
    } catch (IOException e) {
      fail(Status.INTERNAL.withDescription("the coordinator cannot write the model of job "
          + (header == null ? "?" : header.getJobId()) + ": " + e));
    }
  }

  private void open(FileChunk chunk) throws IOException {
    if (!chunk.hasHeader() || chunk.getHeader().getJobId().isEmpty()) {
      fail(Status.INVALID_ARGUMENT.withDescription("a model upload must start with a header naming the job"));
      return;
    }
    try {
      caller.requireSame(chunk.getHeader().getJobId(), "this model upload");
    } catch (io.grpc.StatusRuntimeException e) {
      fail(e.getStatus());
      return;
    }
    header = chunk.getHeader();
    Optional<Job> job = jobs.job(header.getJobId());
    if (job.isEmpty()) {
      fail(Status.NOT_FOUND.withDescription("no job " + header.getJobId() + " on this coordinator"));
      return;
    }
    if (!Sha256.isHex(header.getSha256()) || header.getSizeBytes() < 0) {
      fail(Status.INVALID_ARGUMENT.withDescription("model upload of job " + header.getJobId()
          + ": the header needs size_bytes >= 0 and a 64-hex-digit sha256"));
      return;
    }
    target = Path.of(job.get().getJobDir()).resolve(JobFiles.MODEL_FILE);
    tmp = AtomicFiles.tempFor(target);
    out = Files.newOutputStream(tmp);
    sha = Sha256.digest();
  }

  @Override
  public void onError(Throwable t) {
    finished = true;
    cleanUp();
    log.info("model upload of job {} abandoned by the worker: {}", header == null ? "?" : header.getJobId(),
        Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }
    if (header == null) {
      fail(Status.INVALID_ARGUMENT.withDescription("an empty model upload"));
      return;
    }
    try {
      out.close();
      if (received != header.getSizeBytes()) {
        fail(Status.INVALID_ARGUMENT.withDescription("model upload of job " + header.getJobId() + ": " + received
            + " bytes received, " + header.getSizeBytes() + " announced"));
        return;
      }
      String actual = Sha256.hex(sha);
      if (!actual.equals(header.getSha256())) {
        fail(Status.DATA_LOSS.withDescription("model upload of job " + header.getJobId() + ": the bytes have SHA-256 "
            + actual + " but " + header.getSha256() + " was announced; upload again"));
        return;
      }
      AtomicFiles.commit(tmp, target);
      finished = true;
      log.info("job {}: model stored in {} ({} bytes, sha256 {})", header.getJobId(), target, received, actual);
      response.onNext(ModelRef.newBuilder().setJobId(header.getJobId()).setSizeBytes(received).setSha256(actual)
          .setPath(target.toString()).build());
      response.onCompleted();
    } catch (IOException e) {
      fail(Status.INTERNAL.withDescription("the coordinator cannot store the model of job " + header.getJobId()
          + ": " + e));
    }
  }

  private void fail(Status s) {
    finished = true;
    cleanUp();
    response.onError(s.asRuntimeException());
  }

  private void cleanUp() {
    try {
      if (out != null) {
        out.close();
      }
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", tmp, e.toString());
    }
  }
}
