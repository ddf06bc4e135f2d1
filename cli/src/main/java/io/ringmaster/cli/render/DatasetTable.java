package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.Dataset;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The table of {@code ringmaster datasets ls}: name, format, samples x shape, classes, size, hash prefix; led
 * by the tenant holding each dataset when the coordinator names tenants (client authentication on: a tenant
 * sees its own, an admin every tenant's; "-" for datasets of no tenant).
 */
public final class DatasetTable {
  private DatasetTable() {}

  public static String render(List<Dataset> datasets) {
    boolean tenants = datasets.stream().anyMatch(d -> !d.getTenant().isEmpty());
    List<String> header = new java.util.ArrayList<>(List.of("NAME", "FORMAT", "SAMPLES", "SHAPE", "CLASSES", "SIZE",
        "SHA256"));
    if (tenants) {
      header.add(0, "TENANT");
    }
    TextTable t = new TextTable(header.toArray(String[]::new));
    for (Dataset d : datasets) {
      List<String> row = new java.util.ArrayList<>(List.of(d.getName().isEmpty() ? "-" : d.getName(), format(d),
          Long.toString(d.getSamples()),
          d.getSampleShapeList().isEmpty() ? "-"
              : d.getSampleShapeList().stream().map(String::valueOf).collect(Collectors.joining("x")),
          d.getClasses() == 0 ? "-" : Integer.toString(d.getClasses()),
          String.format(Locale.ROOT, "%.1f MB", d.getSizeBytes() / 1e6), d.getSha256().substring(0, 12)));
      if (tenants) {
        row.add(0, d.getTenant().isEmpty() ? "-" : d.getTenant());
      }
      t.row(row.toArray(String[]::new));
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
