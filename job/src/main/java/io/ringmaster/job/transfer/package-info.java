/**
 * Files over gRPC, for machines that share no filesystem: datasets uploaded by clients and downloaded by
 * workers, trained models uploaded by rank 0 and downloaded by clients.
 *
 * <p>Every stream carries at most {@link io.ringmaster.job.transfer.FileChunks#CHUNK_BYTES} (1 MiB) of data
 * per message, far below gRPC's 4 MiB limit, and is sent only while the transport is ready (flow control:
 * at most one window buffered). A file stream is a {@code FileHeader} (size, SHA-256) and then the bytes in
 * order; the receiver writes them to a temporary file next to the target, checks the size and the SHA-256,
 * fsyncs and renames it into place, so a reader never sees a partial or corrupt file under the target's
 * name ({@link io.ringmaster.job.transfer.FileReceiver}).
 */
package io.ringmaster.job.transfer;
