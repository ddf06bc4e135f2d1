package io.ringmaster.job.transfer;

import com.google.protobuf.ByteString;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.FileHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** A file as a lazily read sequence of {@link FileChunk}s: the header, then data of at most 1 MiB each. */
public final class FileChunks implements Iterator<FileChunk>, AutoCloseable {
  /** Largest data payload of one message. */
  public static final int CHUNK_BYTES = 1 << 20;

  private final InputStream in;
  private final long size;
  private FileChunk header;
  private long sent;

  private FileChunks(InputStream in, FileHeader header) {
    this.in = in;
    this.size = header.getSizeBytes();
    this.header = FileChunk.newBuilder().setHeader(header).build();
  }

  /**
   * Opens {@code file}; the header names its size and {@code sha256} (the caller's, so that a file being
   * replaced is caught by the receiver's check rather than hidden).
   */
  public static FileChunks open(Path file, String jobId, String sha256) throws IOException {
    long size = Files.size(file);
    return new FileChunks(Files.newInputStream(file),
        FileHeader.newBuilder().setJobId(jobId).setSizeBytes(size).setSha256(sha256).build());
  }

  @Override
  public boolean hasNext() {
    return header != null || sent < size;
  }

  @Override
  public FileChunk next() {
    if (header != null) {
      FileChunk h = header;
      header = null;
      return h;
    }
    if (sent >= size) {
      throw new NoSuchElementException();
    }
    int n = (int) Math.min(CHUNK_BYTES, size - sent);
    try {
      byte[] data = in.readNBytes(n);
      if (data.length != n) {
        throw new IOException("the file shrank while being sent: " + (sent + data.length) + " of " + size + " bytes");
      }
      sent += n;
      if (sent >= size) {
        in.close();
      }
      return FileChunk.newBuilder().setData(ByteString.copyFrom(data)).build();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing more to read
    }
  }
}
