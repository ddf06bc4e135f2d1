package io.ringmaster.job.transfer;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.checkpoint.ReadyPump;
import io.ringmaster.proto.v1.FileChunk;
import java.io.IOException;
import java.nio.file.Path;

/** Serves a file on a server-streaming call, as the client's flow control allows. */
public final class FileSender {
  private FileSender() {}

  /**
   * Starts streaming {@code file} (header, then data) and returns at once. Call from the service method.
   * A read error ends the call with INTERNAL naming the file.
   */
  public static void send(Path file, String jobId, String sha256, StreamObserver<FileChunk> responses) {
    FileChunks chunks;
    try {
      chunks = FileChunks.open(file, jobId, sha256);
    } catch (IOException e) {
      responses.onError(Status.INTERNAL.withDescription("the coordinator cannot read " + file + ": " + e)
          .asRuntimeException());
      return;
    }
    ServerCallStreamObserver<FileChunk> call = (ServerCallStreamObserver<FileChunk>) responses;
    ReadyPump<FileChunk> pump = new ReadyPump<>(call, new SafeIterator(chunks, call));
    call.setOnCancelHandler(() -> {
      pump.stop();
      chunks.close();
    });
    call.setOnReadyHandler(pump);
  }

  /** Turns a read failure into the call's error instead of an exception in gRPC's executor. */
  private record SafeIterator(FileChunks chunks, ServerCallStreamObserver<FileChunk> call)
      implements java.util.Iterator<FileChunk> {
    @Override
    public boolean hasNext() {
      return chunks.hasNext();
    }

    @Override
    public FileChunk next() {
      try {
        return chunks.next();
      } catch (java.io.UncheckedIOException e) {
        throw Status.INTERNAL.withDescription("reading the file failed: " + e.getCause()).asRuntimeException();
      }
    }
  }
}
