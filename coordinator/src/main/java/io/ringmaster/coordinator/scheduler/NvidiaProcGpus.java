package io.ringmaster.coordinator.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's NVIDIA GPUs from the driver's {@code /proc/driver/nvidia/gpus/<bus id>/information} files
 * ({@code Model:}, {@code GPU UUID:}, {@code Device Minor:} lines): no CUDA library and no process needed.
 * When the coordinator itself runs with {@code CUDA_VISIBLE_DEVICES}, only the GPUs it names (by index or
 * UUID) are handed out; an empty value, {@code -1} or {@code NoDevFiles} hands out none.
 */
public final class NvidiaProcGpus implements HostGpus {
  private static final Logger log = LoggerFactory.getLogger(NvidiaProcGpus.class);
  public static final Path DRIVER_DIR = Path.of("/proc/driver/nvidia/gpus");

  private final Path dir;
  private final String visibleDevices;

  /**
   * @param dir the driver's GPU directory ({@link #DRIVER_DIR})
   * @param visibleDevices the coordinator's {@code CUDA_VISIBLE_DEVICES}, or null when unset
   */
  public NvidiaProcGpus(Path dir, String visibleDevices) {
    this.dir = dir;
    this.visibleDevices = visibleDevices;
  }

  /** This machine's GPUs, as this process's {@code CUDA_VISIBLE_DEVICES} lets it see them. */
  public static NvidiaProcGpus ofThisMachine() {
    return new NvidiaProcGpus(DRIVER_DIR, System.getenv("CUDA_VISIBLE_DEVICES"));
  }

  @Override
  public String source() {
    return dir + (visibleDevices == null ? "" : " with the coordinator's CUDA_VISIBLE_DEVICES=" + visibleDevices);
  }

  @Override
  public List<HostGpu> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<HostGpu> all = new ArrayList<>();
    try (Stream<Path> gpus = Files.list(dir)) {
      for (Path d : gpus.sorted().toList()) {
        Path info = d.resolve("information");
        if (Files.isReadable(info)) {
          parse(Files.readAllLines(info)).ifPresent(all::add);
        }
      }
    } catch (IOException e) {
      log.warn("cannot read {}: {}; no GPUs are handed out", dir, e.toString());
      return List.of();
    }
    all.sort(Comparator.comparingInt(HostGpu::index));
    return visible(all);
  }

  /** One GPU from its information file's lines; empty without a device minor number. */
  static java.util.Optional<HostGpu> parse(List<String> lines) {
    String name = "";
    String uuid = "";
    Integer minor = null;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "Model" -> name = value;
        case "GPU UUID" -> uuid = value;
        case "Device Minor" -> {
          try {
            minor = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            minor = null;
          }
        }
        default -> { }
      }
    }
    return minor == null ? java.util.Optional.empty() : java.util.Optional.of(new HostGpu(minor, name, uuid));
  }

  private List<HostGpu> visible(List<HostGpu> all) {
    if (visibleDevices == null) {
      return all;
    }
    List<HostGpu> out = new ArrayList<>();
    for (String id : visibleDevices.split(",")) {
      String v = id.trim();
      if (v.isEmpty()) {
        continue;
      }
      if (v.equals("-1") || v.equals("NoDevFiles")) {
        break; // CUDA stops at the first invalid entry too
      }
      all.stream().filter(g -> Integer.toString(g.index()).equals(v) || (!g.uuid().isEmpty() && g.uuid().startsWith(v)))
          .findFirst().filter(g -> !out.contains(g)).ifPresent(out::add);
    }
    return out;
  }
}
