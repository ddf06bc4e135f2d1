package io.ringmaster.job.data;

import io.ringmaster.job.data.DatasetException.Source;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads IDX files (the MNIST format): an images file of unsigned bytes with 3 dimensions
 * (samples x rows x columns, magic {@code 0x00000803}) and a labels file of unsigned bytes with one
 * dimension (magic {@code 0x00000801}). Either may be gzipped; gzip is recognised by its magic bytes,
 * not by the file name. Images become 1 x rows x columns samples; classes = largest label + 1.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte, 3-dimensional IDX file. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an unsigned-byte, 1-dimensional IDX file. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int IMAGES_HEADER_BYTES = 16;
  private static final int LABELS_HEADER_BYTES = 8;

  private IdxReader() {}

  /** The images header: sample count and image size. */
  record ImagesHeader(int samples, int rows, int cols) {
    long dataBytes() {
      return (long) samples * rows * cols;
    }

    String describe() {
      return samples + " images of " + rows + "x" + cols;
    }
  }

  /** Reads both files completely. */
  public static ByteImageDataset read(String imagesPath, String labelsPath) throws DatasetException {
    int[] labels = readLabels(labelsPath);
    Path images = DataFiles.existingFile(imagesPath, Source.PATH);
    try (DataInputStream in = new DataInputStream(DataFiles.open(images, Source.PATH))) {
      ImagesHeader h = readImagesHeader(in, images);
      checkCounts(h, labels, images);
      byte[] pixels = in.readNBytes((int) h.dataBytes());
      if (pixels.length != h.dataBytes()) {
        throw truncated(images, h, IMAGES_HEADER_BYTES + pixels.length);
      }
      if (in.read() != -1) {
        throw new DatasetException(Source.PATH, images + " has bytes after the last image: the header announces "
            + h.describe() + "; is the header or the file wrong?");
      }
      return new ByteImageDataset(1, h.rows(), h.cols(), Labels.classes(labels), pixels, labels);
    } catch (IOException e) {
      throw DataFiles.readError(images, Source.PATH, e);
    }
  }

  /**
   * The shape of an IDX dataset without loading the images: the images header, the images length (one
   * small read of the gzip trailer in the normal case) and the whole labels file.
   */
  public static DatasetInfo probe(String imagesPath, String labelsPath) throws DatasetException {
    ImagesHeader h = probeImages(imagesPath);
    int[] labels = readLabels(labelsPath);
    checkCounts(h, labels, Path.of(imagesPath));
    return new DatasetInfo(h.samples(), 1, h.rows(), h.cols(), Labels.classes(labels));
  }

  /** Reads and checks the images header and the file's length, not the pixels. */
  static ImagesHeader probeImages(String imagesPath) throws DatasetException {
    Path images = DataFiles.existingFile(imagesPath, Source.PATH);
    ImagesHeader h;
    try (DataInputStream in = new DataInputStream(DataFiles.open(images, Source.PATH))) {
      h = readImagesHeader(in, images);
    } catch (IOException e) {
      throw DataFiles.readError(images, Source.PATH, e);
    }
    long expected = IMAGES_HEADER_BYTES + h.dataBytes();
    long cheap = DataFiles.cheapContentLength(images, Source.PATH);
    if (cheap != expected && cheap != (expected & 0xFFFFFFFFL)) {
      long exact = DataFiles.countContent(images, Source.PATH);
      if (exact < expected) {
        throw truncated(images, h, exact);
      }
      if (exact > expected) {
        throw new DatasetException(Source.PATH, images + " holds " + exact + " bytes but the header announces "
            + h.describe() + " (" + expected + " bytes); is the header or the file wrong?");
      }
    }
    return h;
  }

  /** Reads a labels file completely and checks every label is a byte class id. */
  static int[] readLabels(String labelsPath) throws DatasetException {
    Path p = DataFiles.existingFile(labelsPath, Source.LABELS);
    try (DataInputStream in = new DataInputStream(DataFiles.open(p, Source.LABELS))) {
      int magic = readHeaderInt(in, p, Source.LABELS, LABELS_HEADER_BYTES, "labels");
      if (magic != LABELS_MAGIC) {
        throw wrongMagic(p, Source.LABELS, magic, LABELS_MAGIC, "labels",
            magic == IMAGES_MAGIC ? "it looks like an IDX images file; are path and labels swapped?" : null);
      }
      int n = readHeaderInt(in, p, Source.LABELS, LABELS_HEADER_BYTES, "labels");
      if (n < 1) {
        throw new DatasetException(Source.LABELS, p + " announces " + Integer.toUnsignedString(n)
            + " labels; expected at least 1");
      }
      byte[] raw = in.readNBytes(n);
      if (raw.length != n) {
        throw new DatasetException(Source.LABELS, p + " is truncated: the header announces " + n
            + " labels but the file holds " + raw.length);
      }
      if (in.read() != -1) {
        throw new DatasetException(Source.LABELS, p + " has bytes after the last of the " + n
            + " labels the header announces; is the header or the file wrong?");
      }
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    } catch (IOException e) {
      throw DataFiles.readError(p, Source.LABELS, e);
    }
  }

  private static ImagesHeader readImagesHeader(DataInputStream in, Path p) throws DatasetException, IOException {
    int magic = readHeaderInt(in, p, Source.PATH, IMAGES_HEADER_BYTES, "images");
    if (magic != IMAGES_MAGIC) {
      String hint = null;
      if (magic == LABELS_MAGIC) {
        hint = "it looks like an IDX labels file; are path and labels swapped?";
      } else if ((magic >>> 16) == 0 && (magic & 0xFF) == 3) {
        hint = "only unsigned bytes (type 0x08) are supported, this file has another element type";
      }
      throw wrongMagic(p, Source.PATH, magic, IMAGES_MAGIC, "images", hint);
    }
    int n = readHeaderInt(in, p, Source.PATH, IMAGES_HEADER_BYTES, "images");
    int rows = readHeaderInt(in, p, Source.PATH, IMAGES_HEADER_BYTES, "images");
    int cols = readHeaderInt(in, p, Source.PATH, IMAGES_HEADER_BYTES, "images");
    if (n < 1 || rows < 1 || cols < 1) {
      throw new DatasetException(Source.PATH, p + " announces " + Integer.toUnsignedString(n) + " images of "
          + Integer.toUnsignedString(rows) + "x" + Integer.toUnsignedString(cols)
          + "; every dimension must be at least 1");
    }
    ImagesHeader h = new ImagesHeader(n, rows, cols);
    if (h.dataBytes() > Integer.MAX_VALUE - 16) {
      throw new DatasetException(Source.PATH, p + " announces " + h.describe() + " (" + h.dataBytes()
          + " bytes); at most 2 GiB of pixels per dataset is supported: split it or use fewer samples");
    }
    return h;
  }

  private static int readHeaderInt(DataInputStream in, Path p, Source source, int headerBytes, String kind)
      throws DatasetException, IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DatasetException(source, p + " is not an IDX " + kind + " file: shorter than the "
          + headerBytes + "-byte header", e);
    }
  }

  private static void checkCounts(ImagesHeader h, int[] labels, Path images) throws DatasetException {
    if (labels.length != h.samples()) {
      throw new DatasetException(Source.LABELS, labels.length + " labels but " + h.samples() + " images in "
          + images + "; give the labels file that belongs to these images");
    }
  }

  private static DatasetException truncated(Path p, ImagesHeader h, long actualBytes) {
    return new DatasetException(Source.PATH, p + " is truncated: the header announces " + h.describe() + " ("
        + (IMAGES_HEADER_BYTES + h.dataBytes()) + " bytes) but the file holds " + actualBytes + " bytes");
  }

  private static DatasetException wrongMagic(Path p, Source source, int magic, int expected, String kind,
      String hint) {
    // the file's own bytes are never quoted: the caller may not be allowed to read them
    return new DatasetException(source, p + " is not an IDX " + kind + " file (it does not start with the IDX "
        + kind + " magic number " + hex8(expected) + ")" + (hint == null ? "" : ": " + hint));
  }

  private static String hex8(int v) {
    return String.format(Locale.ROOT, "0x%08X", v);
  }

}
