package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which data paths a confined coordinator reads: a table of paths inside, outside and escaping its roots. */
class DataRootsTest {
  @TempDir static Path tmp;
  static Path root;
  static Path second;

  @BeforeAll
  static void layout() throws Exception {
    root = Files.createDirectories(tmp.resolve("data"));
    second = Files.createDirectories(tmp.resolve("scratch"));
    Files.writeString(root.resolve("train.csv"), "label,x\n1,2\n");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(tmp.resolve("secret.csv"), "label,x\n1,2\n");
    Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("out.csv"), tmp.resolve("secret.csv"));
    Files.createSymbolicLink(root.resolve("outdir"), tmp.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("in.csv"), root.resolve("train.csv"));
    Files.createSymbolicLink(root.resolve("dangling.csv"), tmp.resolve("no-such-target"));
  }

  static Stream<Arguments> paths() {
    return Stream.of(
        ok("a file under the root", d -> d.resolve("train.csv").toString()),
        ok("a file under the second root", d -> second.resolve("x.csv").toString()),
        ok("a missing file under the root (the probe reports it)", d -> d.resolve("sub/none.csv").toString()),
        ok("a symbolic link that stays inside", d -> d.resolve("in.csv").toString()),
        ok("redundant slashes and dots", d -> d + "//./train.csv"),
        refused("an absolute path outside", d -> tmp.resolve("secret.csv").toString(), "outside"),
        refused("a system file", d -> "/etc/passwd", "outside"),
        refused("'..' back out of the root", d -> d + "/../secret.csv", "'..'"),
        refused("'..' that would stay inside", d -> d + "/sub/../train.csv", "'..'"),
        refused("a relative path", d -> "data/train.csv", "absolute"),
        refused("a symbolic link to a file outside", d -> d.resolve("out.csv").toString(), "symbolic link"),
        refused("a missing file in a linked directory outside", d -> d.resolve("outdir/new.csv").toString(),
            "symbolic link"),
        refused("a dangling symbolic link", d -> d.resolve("dangling.csv").toString(), "cannot be resolved"),
        refused("a sibling whose name starts like the root", d -> tmp.resolve("data-other/x.csv").toString(),
            "outside"));
  }

  static Arguments ok(String name, Function<Path, String> path) {
    return Arguments.of(name, path, null);
  }

  static Arguments refused(String name, Function<Path, String> path, String why) {
    return Arguments.of(name, path, why);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void decidesEachPath(String name, Function<Path, String> path, String why) {
    Optional<Violation> v = DataRoots.of(List.of(root, second)).check("spec.data.train.path", path.apply(root));
    if (why == null) {
      assertThat(v).isEmpty();
    } else {
      assertThat(v).hasValueSatisfying(x -> {
        assertThat(x.field()).isEqualTo("spec.data.train.path");
        assertThat(x.message()).contains(why).contains(root.toString());
      });
    }
  }

  @Test
  void withoutRootsNoPathAndUnconfinedAnyPath() {
    assertThat(DataRoots.none().check("spec.data.test.labels", root.resolve("train.csv").toString()))
        .hasValueSatisfying(v -> assertThat(v.message()).contains("reads no data files by path"));
    assertThat(DataRoots.UNCONFINED.check("spec.data.test.labels", "/etc/passwd")).isEmpty();
    assertThat(DataRoots.of(List.of(root)).check("spec.data.test.labels", "")).isEmpty();
  }
}
