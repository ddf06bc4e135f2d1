package io.ringmaster.job.transfer;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.checkpoint.ReadyPump;
import io.ringmaster.proto.v1.FileChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    ReadyPump<FileChunk> pump = new ReadyPump<>(call, chunks);
    call.setOnCancelHandler(() -> {
      pump.stop();
      chunks.close();
    });
    call.setOnReadyHandler(() -> {
      try {
        pump.run();
      } catch (UncheckedIOException e) {
        pump.stop();
        chunks.close();
        call.onError(Status.INTERNAL.withDescription("the coordinator failed reading " + file + ": " + e.getCause())
            .asRuntimeException());
      }
    });
  }
}
