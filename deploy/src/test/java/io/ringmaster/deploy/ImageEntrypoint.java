package io.ringmaster.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the images' entrypoint ({@code images/src/jib/app/bin/ringmaster}) with {@code /bin/sh} outside any
 * image: a fake application directory (Jib's {@code jib-classpath-file} and its jars' names), a fake
 * {@code /proc/cpuinfo}, and a fake {@code java} that prints what it was started with instead of starting.
 */
final class ImageEntrypoint {
  /** What the entrypoint started java with. */
  record Launch(String java, List<String> args, String javaToolOptions, String ompThreads) {
    /** The {@code -cp} value, split into its entries. */
    List<String> classpath() {
      int i = args.indexOf("-cp");
      return List.of(args.get(i + 1).split(":"));
    }

    /** The arguments after the classpath: main class, then the command's own. */
    List<String> afterClasspath() {
      return args.subList(args.indexOf("-cp") + 2, args.size());
    }
  }

  private final Path script;
  private final Path dir;

  ImageEntrypoint(Path script, Path dir) {
    this.script = script;
    this.dir = dir;
  }

  /**
   * Runs {@code sh entrypoint args} with the classpath file listing {@code classpath}, a cpuinfo whose flags
   * line is {@code cpuFlags}, and {@code env} added to a clean environment.
   */
  Launch run(List<String> classpath, String cpuFlags, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Result result = start(classpath, cpuFlags, env, args);
    if (result.exitCode() != 0) {
      throw new AssertionError("the entrypoint failed with exit code " + result.exitCode() + ": " + result.output());
    }
    return result.launch();
  }

  /** How a run of the entrypoint ended: its exit code, what it printed, and the launch if java was started. */
  record Result(int exitCode, String output, Launch launch) {}

  /** Like {@link #run}, but returns a failed run too (a refused setting). */
  Result start(List<String> classpath, String cpuFlags, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("jib-classpath-file"), String.join(":", classpath));
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: " + cpuFlags + "\n");
    Path javaHome = dir.resolve("jdk");
    Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
    Path out = dir.resolve("launch.txt");
    Files.deleteIfExists(out);
    Files.writeString(java, "#!/bin/sh\n"
        + "{ echo \"java=$0\"; echo \"JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS\"; echo \"OMP_NUM_THREADS=$OMP_NUM_THREADS\";"
        + " for a in \"$@\"; do echo \"arg=$a\"; done; } > '" + out + "'\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().put("RINGMASTER_APP", app.toString());
    pb.environment().put("RINGMASTER_CPUINFO", cpuinfo.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the entrypoint did not end within 30 s: " + output);
    }
    if (!Files.exists(out)) {
      return new Result(p.exitValue(), output, null);
    }
    String javaRun = "";
    String toolOptions = "";
    String omp = "";
    List<String> javaArgs = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      if (line.startsWith("java=")) {
        javaRun = line.substring(5);
      } else if (line.startsWith("JAVA_TOOL_OPTIONS=")) {
        toolOptions = line.substring("JAVA_TOOL_OPTIONS=".length());
      } else if (line.startsWith("OMP_NUM_THREADS=")) {
        omp = line.substring("OMP_NUM_THREADS=".length());
      } else if (line.startsWith("arg=")) {
        javaArgs.add(line.substring(4));
      }
    }
    return new Result(p.exitValue(), output, new Launch(javaRun, javaArgs, toolOptions, omp));
  }
}
