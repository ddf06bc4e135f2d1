package io.ringmaster.job.data;

import io.ringmaster.job.data.DatasetException.Source;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/** Opening dataset files: existence checks with clear messages, gzip detected by its magic bytes. */
final class DataFiles {
  private static final int BUFFER = 1 << 16;

  private DataFiles() {}

  /** The path of an existing, readable regular file, or a {@link DatasetException} saying why not. */
  static Path existingFile(String path, Source source) throws DatasetException {
    if (path == null || path.isBlank()) {
      throw new DatasetException(source, "no file given");
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new DatasetException(source, "not a valid path '" + path + "': " + e.getReason());
    }
    if (!Files.exists(p)) {
      throw new DatasetException(source, "no such file " + path);
    }
    if (Files.isDirectory(p)) {
      throw new DatasetException(source, path + " is a directory; give the data file inside it");
    }
    if (!Files.isReadable(p)) {
      throw new DatasetException(source, "cannot read " + path + ": permission denied");
    }
    return p;
  }

  /** True if the file starts with the gzip magic bytes 1f 8b (whatever its name). */
  static boolean isGzip(Path p, Source source) throws DatasetException {
    try (InputStream in = Files.newInputStream(p)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (IOException e) {
      throw readError(p, source, e);
    }
  }

  /** A buffered stream of the file's content, decompressed if it is gzipped. */
  static InputStream open(Path p, Source source) throws DatasetException {
    boolean gz = isGzip(p, source);
    try {
      InputStream raw = Files.newInputStream(p);
      return gz ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER)
          : new BufferedInputStream(raw, BUFFER);
    } catch (IOException e) {
      throw readError(p, source, e);
    }
  }

  /**
   * Content length of the file: its size, or for gzip the ISIZE of the trailer (the uncompressed length
   * mod 2^32 of the last member), which costs one small read. Use {@link #countContent} to be exact.
   */
  static long cheapContentLength(Path p, Source source) throws DatasetException {
    try {
      if (!isGzip(p, source)) {
        return Files.size(p);
      }
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        long size = ch.size();
        if (size < 18) {
          return -1;
        }
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, size - 4);
        return Integer.toUnsignedLong(b.getInt(0));
      }
    } catch (IOException e) {
      throw readError(p, source, e);
    }
  }

  /** Exact content length, decompressing if needed. */
  static long countContent(Path p, Source source) throws DatasetException {
    try (InputStream in = open(p, source)) {
      long n = 0;
      byte[] buf = new byte[BUFFER];
      for (int r; (r = in.read(buf)) != -1; ) {
        n += r;
      }
      return n;
    } catch (IOException e) {
      throw readError(p, source, e);
    }
  }

  /** A {@link DatasetException} for an I/O failure, worded for the common causes. */
  static DatasetException readError(Path p, Source source, IOException e) {
    if (e instanceof EOFException) {
      return new DatasetException(source, p + " is truncated or not a valid gzip file: " + e.getMessage(), e);
    }
    if (e instanceof java.util.zip.ZipException) {
      return new DatasetException(source, p + " is a corrupt gzip file: " + e.getMessage(), e);
    }
    if (e instanceof AccessDeniedException) {
      return new DatasetException(source, "cannot read " + p + ": permission denied", e);
    }
    return new DatasetException(source, "cannot read " + p + ": " + e, e);
  }
}
