package io.ringmaster.coordinator.jobs;

import io.ringmaster.job.spec.Echo;
import io.ringmaster.job.spec.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where on the coordinator's file system jobs may read data by path ({@code --data-root}, several
 * allowed). A path is accepted only when it is absolute, has no {@code ..} element, lies under a root as
 * written, and still lies under a root once every symbolic link is followed (for a file that does not
 * exist, its nearest existing directory). Checked before the file is opened, so that nothing about a file
 * outside the roots (its existence, size or content) reaches the client: the refusal is the same
 * whether such a file exists or not.
 *
 * <p>{@link #UNCONFINED} accepts any path: a coordinator without client authentication that was given no
 * roots (embedded {@code ringmaster run}, the local single-user setup). {@link #none()} accepts no path
 * at all: jobs name datasets pushed to the coordinator instead.
 */
public final class DataRoots {
  /** Any path is accepted. */
  public static final DataRoots UNCONFINED = new DataRoots(null);

  /** Roots as given (absolute, normalised) and as real paths (symbolic links resolved); null: unconfined. */
  private final List<Path[]> roots;

  private DataRoots(List<Path[]> roots) {
    this.roots = roots;
  }

  /** No path is accepted (confined, without any root). */
  public static DataRoots none() {
    return new DataRoots(List.of());
  }

  /**
   * Confined to {@code dirs}, each an existing directory.
   *
   * @throws IllegalArgumentException naming a root that is not an existing directory
   */
  public static DataRoots of(List<Path> dirs) {
    List<Path[]> roots = new ArrayList<>();
    for (Path d : dirs) {
      Path abs = d.toAbsolutePath().normalize();
      try {
        if (!Files.isDirectory(abs)) {
          throw new IllegalArgumentException("data root " + abs + " is not an existing directory");
        }
        roots.add(new Path[] {abs, abs.toRealPath()});
      } catch (IOException e) {
        throw new IllegalArgumentException("data root " + abs + " cannot be resolved: " + e.getMessage(), e);
      }
    }
    return new DataRoots(List.copyOf(roots));
  }

  /** Whether paths are confined at all. */
  public boolean confined() {
    return roots != null;
  }

  /** The roots as given, for messages and the documentation of a coordinator's settings. */
  public List<Path> roots() {
    return roots == null ? List.of() : roots.stream().map(r -> r[0]).toList();
  }

  /**
   * Why {@code path} (the value of the spec field {@code field}) may not be read, or empty when it may.
   * An empty path is not this check's business (the validator reports it).
   */
  public Optional<Violation> check(String field, String path) {
    if (roots == null || path == null || path.isEmpty()) {
      return Optional.empty();
    }
    if (roots.isEmpty()) {
      return Optional.of(new Violation(field, "this coordinator reads no data files by path (it has no data"
          + " root): push the file (ringmaster datasets push FILE --name NAME) and name it as a dataset, or ask"
          + " its operator for a --data-root"));
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return Optional.of(new Violation(field, "not a valid path: " + Echo.of(e.getReason())));
    }
    if (!p.isAbsolute()) {
      return Optional.of(outside(field, "must be an absolute path"));
    }
    for (Path element : p) {
      if (element.toString().equals("..")) {
        return Optional.of(outside(field, "must not contain '..'"));
      }
    }
    Path normal = p.normalize();
    if (roots.stream().noneMatch(r -> normal.startsWith(r[0]) || normal.startsWith(r[1]))) {
      return Optional.of(outside(field, "lies outside the coordinator's data roots"));
    }
    Path real;
    try {
      real = realPathOfNearestExisting(normal);
    } catch (IOException e) {
      return Optional.of(outside(field, "cannot be resolved"));
    }
    if (roots.stream().noneMatch(r -> real.startsWith(r[1]))) {
      return Optional.of(outside(field, "leads outside the coordinator's data roots through a symbolic link"));
    }
    return Optional.empty();
  }

  private Violation outside(String field, String why) {
    return new Violation(field, why + ": data paths must lie under the coordinator's data roots " + roots()
        + " (--data-root); or push the file (ringmaster datasets push) and name it as a dataset");
  }

  /** The real path of {@code p}, or of its nearest ancestor that exists (a missing file's directory). */
  private static Path realPathOfNearestExisting(Path p) throws IOException {
    Path at = p;
    while (at != null && !Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
      at = at.getParent();
    }
    if (at == null) {
      throw new IOException("no part of the path exists");
    }
    return at.toRealPath();
  }
}
