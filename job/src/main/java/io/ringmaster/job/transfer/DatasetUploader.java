package io.ringmaster.job.transfer;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.GetUploadRequest;
import io.ringmaster.proto.v1.StartUploadRequest;
import io.ringmaster.proto.v1.UploadChunk;
import io.ringmaster.proto.v1.UploadStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Pushes a local file to a coordinator's {@code DatasetService}: hashes it, opens (or resumes) the upload,
 * streams the bytes from the upload's offset in 1 MiB chunks, and resumes from the offset the coordinator
 * holds when the stream breaks (up to {@link #MAX_RESUMES} times).
 */
public final class DatasetUploader {
  /** Broken streams resumed before giving up. */
  public static final int MAX_RESUMES = 5;
  private static final long CALL_TIMEOUT_MS = 30 * 60_000L;

  private final Channel channel;

  public DatasetUploader(Channel channel) {
    this.channel = channel;
  }

  /**
   * Uploads {@code file} as dataset {@code name}.
   *
   * @param progress told the bytes the coordinator holds after every chunk sent (approximately: what was sent)
   * @return the final status, with {@code dataset} set
   * @throws StatusRuntimeException the coordinator refused the dataset (size limit, not a data file, hash
   *     mismatch), or the stream broke more than {@link #MAX_RESUMES} times
   */
  public UploadStatus upload(Path file, String name, LongConsumer progress)
      throws IOException, InterruptedException {
    long size = Files.size(file);
    String sha = Sha256.ofFile(file);
    var blocking = DatasetServiceGrpc.newBlockingStub(channel);
    UploadStatus s = blocking.startUpload(StartUploadRequest.newBuilder().setName(name).setSizeBytes(size)
        .setSha256(sha).build());
    progress.accept(s.getOffset());
    for (int attempt = 0; !s.hasDataset(); attempt++) {
      try {
        s = send(file, s.getUploadId(), s.getOffset(), size, progress);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= MAX_RESUMES) {
          throw e;
        }
        s = blocking.getUpload(GetUploadRequest.newBuilder().setUploadId(s.getUploadId()).build());
      } catch (TimeoutException e) {
        throw Status.DEADLINE_EXCEEDED.withDescription("uploading " + file + " took longer than "
            + CALL_TIMEOUT_MS / 60_000 + " min").asRuntimeException();
      }
    }
    return s;
  }

  /**
   * Sends the bytes of {@code file} in {@code [offset, end)} on one {@code UploadChunks} call and returns the
   * coordinator's answer (the dataset once the whole file arrived, else the offset reached).
   */
  public UploadStatus send(Path file, String uploadId, long offset, long end, LongConsumer progress)
      throws IOException, InterruptedException, TimeoutException {
    InputStream in = Files.newInputStream(file);
    try {
      in.skipNBytes(offset);
      Iterator<UploadChunk> chunks = new Iterator<>() {
        long at = offset;
        boolean first = true;

        @Override
        public boolean hasNext() {
          return first || at < end;
        }

        @Override
        public UploadChunk next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          try {
            int n = (int) Math.min(FileChunks.CHUNK_BYTES, end - at);
            byte[] b = in.readNBytes(n);
            UploadChunk.Builder c = UploadChunk.newBuilder().setData(ByteString.copyFrom(b));
            if (first) {
              c.setUploadId(uploadId).setOffset(offset);
              first = false;
            }
            at += b.length;
            if (b.length < n) {
              at = end; // the file shrank: the coordinator's size or hash check says so
            }
            progress.accept(at);
            return c.build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
      return ClientStreams.call(DatasetServiceGrpc.newStub(channel)::uploadChunks, chunks, CALL_TIMEOUT_MS);
    } finally {
      in.close();
    }
  }
}
