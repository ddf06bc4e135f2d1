package io.ringmaster.coordinator.datasets;

import io.ringmaster.job.transfer.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which tenant holds which stored bytes, and each tenant's dataset names: the per-tenant references over the
 * {@link DatasetStore}'s shared blobs. Under {@code tenants/}:
 * <pre>
 * &lt;tenant&gt;/held/&lt;sha256&gt;   the tenant holds these bytes; the file holds when it stored them (Unix ms)
 * &lt;tenant&gt;/names/&lt;name&gt;    the SHA-256 the tenant's name points at
 * </pre>
 * "No tenant" (a coordinator without client authentication, datasets stored before tenants existed) is
 * the directory {@code _}, which no tenant name (a DNS label) can be. Files are written atomically. Not
 * thread-safe: the store calls it under its catalogue's lock.
 */
final class TenantHoldings {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final String NO_TENANT_DIR = "_";

  private final Path root;

  TenantHoldings(Path root) throws IOException {
    this.root = Files.createDirectories(root);
  }

  /** Every tenant that holds or names something ("" for no tenant), "" first, then in order. */
  List<String> tenants() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.sorted().toList()) {
        String d = p.getFileName().toString();
        if (d.equals(NO_TENANT_DIR)) {
          out.add(0, "");
        } else if (DatasetScope.validTenant(d)) {
          out.add(d);
        }
      }
    }
    return out;
  }

  /** When {@code tenant} stored the bytes {@code sha}, or empty when it does not hold them. */
  Optional<Long> heldSince(String tenant, String sha) throws IOException {
    if (!Sha256.isHex(sha)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(dir(tenant).resolve("held").resolve(sha), StandardCharsets.US_ASCII).trim();
      return Optional.of(text.isEmpty() ? 0L : Long.parseLong(text));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.of(0L);
    }
  }

  /** Records that {@code tenant} holds {@code sha} since {@code nowMs}; a tenant that holds it already keeps its time. */
  void hold(String tenant, String sha, long nowMs) throws IOException {
    if (heldSince(tenant, sha).isEmpty()) {
      Path held = Files.createDirectories(dir(tenant).resolve("held"));
      DatasetStore.writeAtomically(held.resolve(sha), Long.toString(nowMs).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** {@code tenant} no longer holds {@code sha}: its hold and every name of it pointing there go. */
  void release(String tenant, String sha) throws IOException {
    for (String name : names(tenant)) {
      if (sha.equals(name(tenant, name))) {
        Files.deleteIfExists(dir(tenant).resolve("names").resolve(name));
      }
    }
    Files.deleteIfExists(dir(tenant).resolve("held").resolve(sha));
  }

  /** The tenants holding {@code sha}. */
  List<String> holders(String sha) throws IOException {
    List<String> out = new ArrayList<>();
    for (String t : tenants()) {
      if (heldSince(t, sha).isPresent()) {
        out.add(t);
      }
    }
    return out;
  }

  /** The hashes {@code tenant} holds, in order. */
  List<String> held(String tenant) throws IOException {
    return list(dir(tenant).resolve("held"), Sha256::isHex);
  }

  /** The SHA-256 {@code tenant}'s {@code name} points at, or null. */
  String name(String tenant, String name) throws IOException {
    if (!NAME.matcher(name).matches()) {
      return null;
    }
    try {
      String sha = Files.readString(dir(tenant).resolve("names").resolve(name), StandardCharsets.US_ASCII).trim();
      return Sha256.isHex(sha) ? sha : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Points {@code tenant}'s {@code name} at {@code sha} (moving it if it pointed elsewhere). */
  void point(String tenant, String name, String sha) throws IOException {
    Path names = Files.createDirectories(dir(tenant).resolve("names"));
    DatasetStore.writeAtomically(names.resolve(name), sha.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code tenant}'s names, in order. */
  List<String> names(String tenant) throws IOException {
    return list(dir(tenant).resolve("names"), n -> NAME.matcher(n).matches());
  }

  private Path dir(String tenant) {
    if (!DatasetScope.validTenant(tenant)) {
      throw new IllegalArgumentException("not a tenant: " + io.ringmaster.job.spec.Echo.of(tenant, 80));
    }
    return root.resolve(tenant.isEmpty() ? NO_TENANT_DIR : tenant);
  }

  private static List<String> list(Path dir, java.util.function.Predicate<String> valid) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(valid).sorted().toList();
    }
  }
}
