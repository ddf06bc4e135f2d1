package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.Dataset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The table of {@code ringmaster datasets ls}: name, format, samples x shape, classes, size, hash prefix. */
public final class DatasetTable {
  private DatasetTable() {}

  public static String render(List<Dataset> datasets) {
    TextTable t = new TextTable("NAME", "FORMAT", "SAMPLES", "SHAPE", "CLASSES", "SIZE", "SHA256");
    for (Dataset d : datasets) {
      t.row(d.getName().isEmpty() ? "-" : d.getName(), format(d), Long.toString(d.getSamples()),
          d.getSampleShapeList().isEmpty() ? "-"
              : d.getSampleShapeList().stream().map(String::valueOf).collect(Collectors.joining("x")),
          d.getClasses() == 0 ? "-" : Integer.toString(d.getClasses()),
          String.format(Locale.ROOT, "%.1f MB", d.getSizeBytes() / 1e6), d.getSha256().substring(0, 12));
    }
    return t.render("");
  }

  /** e.g. "idx-images.gz", "csv". */
  public static String format(Dataset d) {
    String f = switch (d.getFormat()) {
      case FORMAT_IDX_IMAGES -> "idx-images";
      case FORMAT_IDX_LABELS -> "idx-labels";
      case FORMAT_CSV -> "csv";
      default -> "?";
    };
    return d.getGzipped() ? f + ".gz" : f;
  }
}
