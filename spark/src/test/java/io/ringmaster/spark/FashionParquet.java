package io.ringmaster.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Fashion-MNIST samples for the tests: read from the IDX files Debian's {@code dataset-fashion-mnist}
 * installs, pixels scaled to [0, 1], written as Parquet ({@code label} int, {@code features} list of float)
 * without starting Spark.
 */
final class FashionParquet {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message fashion {"
      + " required int32 label;"
      + " required group features (LIST) { repeated group list { required float element; } } }");

  /** Features and labels of some samples. */
  record Samples(float[][] features, int[] labels) {}

  private FashionParquet() {}

  /** The first {@code n} samples of the IDX pair {@code images}/{@code labels} (gzipped). */
  static Samples read(String images, String labels, int n) throws IOException {
    float[][] x = new float[n][];
    int[] y = new int[n];
    try (DataInputStream in = gz(DIR.resolve(images)); DataInputStream lin = gz(DIR.resolve(labels))) {
      in.readInt();
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      lin.readInt();
      lin.readInt();
      if (count < n) {
        throw new IOException(images + " has only " + count + " samples");
      }
      byte[] px = new byte[rows * cols];
      for (int i = 0; i < n; i++) {
        in.readFully(px);
        x[i] = new float[px.length];
        for (int j = 0; j < px.length; j++) {
          x[i][j] = (px[j] & 0xff) / 255f;
        }
        y[i] = lin.readUnsignedByte();
      }
    }
    return new Samples(x, y);
  }

  /** Writes {@code s} to the Parquet file {@code file}. */
  static void write(Samples s, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withType(SCHEMA).withConf(new Configuration()).build()) {
      for (int i = 0; i < s.labels().length; i++) {
        Group g = groups.newGroup().append("label", s.labels()[i]);
        Group f = g.addGroup("features");
        for (float v : s.features()[i]) {
          f.addGroup("list").append("element", v);
        }
        w.write(g);
      }
    }
  }

  private static DataInputStream gz(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(in), 1 << 16));
  }
}
